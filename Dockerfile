FROM node:20-bookworm-slim
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci
COPY . .
RUN npm run build --if-present
ENV NODE_ENV=production
EXPOSE 3000
CMD ["npm", "start"]
