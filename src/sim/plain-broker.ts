/**
 * A plain MQTT broker on this machine (aedes, a dev dependency), for the demo's Home Assistant
 * example: what Mosquitto would be beside a real Home Assistant. Anyone may connect and publish.
 */
import type { Socket } from 'node:net';
import { listenForBroker, loadAedes } from './cardata/broker';

export interface PlainBroker {
  url: string;
  port: number;
  close(): Promise<void>;
}

/** Listens on 127.0.0.1:port (0: any free port); undefined when aedes is not installed. */
export async function startPlainBroker(port: number): Promise<PlainBroker | undefined> {
  const mod = await loadAedes();
  if (!mod) return undefined;
  const aedes = await mod.Aedes.createBroker({});
  const sockets = new Set<Socket>();
  const { server, bound } = await listenForBroker(aedes, port, (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    aedes.handle(socket);
  });
  return {
    url: `mqtt://127.0.0.1:${bound}`,
    port: bound,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => server.close(() => r()));
      await new Promise<void>((r) => aedes.close(() => r()));
    },
  };
}
