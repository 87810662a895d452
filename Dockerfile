FROM node:20-bookworm-slim
WORKDIR /app
# patches/ holds the pinned fix to postgres.js that npm ci's postinstall applies (see patches/README.md).
COPY package.json package-lock.json ./
COPY patches ./patches
RUN npm ci
COPY . .
# Compiled JavaScript (dist/) is what npm start and npm run worker run; TypeScript is not needed after.
RUN npm run build && npm prune --omit=dev
ENV NODE_ENV=production
EXPOSE 3000
CMD ["npm", "start"]
