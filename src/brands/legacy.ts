import type { Connection, ConnectionContext, LegacyProvider, OptionalFacet, Provider } from './provider';

/**
 * Wraps a brand written as a bag of functions into a Provider whose connect() opens a
 * Connection. Transitional: each brand moves to a connect() of its own.
 */
export function fromLegacy<S>(legacy: LegacyProvider<S>, name: string, absent: Partial<Record<OptionalFacet, string>> = {}): Provider<S> {
  return {
    id: legacy.id,
    name,
    auth: legacy.auth,
    budget: legacy.budget,
    resolveConfig: (input) => legacy.resolveConfig(input),
    connect(ctx: ConnectionContext<S>): Connection {
      const call = ctx.withAuth.bind(ctx);
      const subscribe = legacy.subscribe;
      const readEndpoint = legacy.readEndpoint;
      return {
        listVehicles: (opts) => call((auth) => legacy.listVehicles(ctx, auth, opts)),
        capabilities: (vehicle) => legacy.capabilities(vehicle),
        status: {
          cost: (vehicle, parts) => legacy.statusCost(vehicle, parts),
          read: (vehicle, parts, opts) => call((auth) => legacy.readStatus(ctx, auth, vehicle, parts, opts)),
        },
        raw: {
          paths: legacy.rawPaths,
          request: (vehicle, req, opts) => call((auth) => legacy.rawRequest(ctx, auth, vehicle, req, opts)),
          endpoints: legacy.endpoints ?? [],
          readEndpoint: (vehicle, endpoint, params, opts) =>
            readEndpoint
              ? call((auth) => readEndpoint.call(legacy, ctx, auth, vehicle, endpoint, params, opts))
              : Promise.reject(new Error(`${name} has no named endpoints`)),
        },
        ...(absent.commands
          ? {}
          : {
              commands: {
                send: (vehicle, input, opts) => call((auth) => legacy.sendCommand(ctx, auth, vehicle, input, opts)),
                track: (vehicle, ticket, opts) => call((auth) => legacy.trackCommand(ctx, auth, vehicle, ticket, opts)),
                intervalMs: (ticket) => legacy.trackIntervalMs(ticket),
              },
            }),
        ...(absent.charging
          ? {}
          : {
              charging: {
                read: (vehicle, opts) => call((auth) => legacy.readCharging(ctx, auth, vehicle, opts)),
                write: (vehicle, change, opts) => call((auth) => legacy.writeCharging(ctx, auth, vehicle, change, opts)),
              },
            }),
        history: { chargeSessions: (vehicle, from, to, opts) => call((auth) => legacy.readChargeSessions(ctx, auth, vehicle, from, to, opts)) },
        ...(subscribe
          ? {
              stream: {
                open: (onUpdate, onEvent) =>
                  subscribe.call(
                    legacy,
                    ctx,
                    (rejected) => ctx.getAuth(rejected),
                    onUpdate,
                    onEvent,
                  ),
              },
            }
          : {}),
        missing: absent,
        close: () => Promise.resolve(),
      };
    },
  };
}
