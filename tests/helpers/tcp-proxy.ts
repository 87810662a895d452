import { createServer, connect, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

/**
 * A loopback TCP proxy in front of a real service, so a test can cut it off and bring it back
 * without touching the server other tests use.
 */
export async function startProxy(target: { host: string; port: number }) {
  const sockets = new Set<Socket>();
  let server: Server | undefined;
  let port = 0;
  let frozen = false;
  const listen = () => new Promise<void>((resolve, reject) => {
    server = createServer((client) => {
      const upstream = connect(target.port, target.host);
      sockets.add(client); sockets.add(upstream);
      const drop = () => { client.destroy(); upstream.destroy(); sockets.delete(client); sockets.delete(upstream); };
      client.on('error', drop); upstream.on('error', drop); client.on('close', drop); upstream.on('close', drop);
      if (frozen) { client.pause(); upstream.pause(); return; }
      client.pipe(upstream); upstream.pipe(client);
    });
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => { port = (server!.address() as AddressInfo).port; resolve(); });
  });
  await listen();
  return {
    get port() { return port; },
    /** Refuses new connections and cuts the open ones, as a stopped server would. */
    async stop() {
      for (const s of sockets) s.destroy();
      sockets.clear();
      await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
      server = undefined;
    },
    /**
     * A network partition: connections stay open and new ones are accepted, but no byte passes
     * either way (no refusal, no reset), as when a link or a firewall drops packets.
     */
    freeze() {
      frozen = true;
      for (const s of sockets) { s.unpipe(); s.pause(); }
    },
    /** Ends a partition: open connections are cut (their state is lost), new ones pass again. */
    thaw() {
      frozen = false;
      for (const s of sockets) s.destroy();
      sockets.clear();
    },
    /** Listens again on the same port. */
    async start() { if (!server) await listen(); },
  };
}
