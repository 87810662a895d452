FROM node:20-bookworm-slim
WORKDIR /app
# patches/ holds the pinned fix to postgres.js that npm ci's postinstall applies (see patches/README.md).
COPY package.json package-lock.json ./
COPY patches ./patches
RUN npm ci
COPY . .
RUN npm run build --if-present
ENV NODE_ENV=production
EXPOSE 3000
CMD ["npm", "start"]
