import { CarError, type CommandInput, type CommandName, type Vehicle } from '../../core';
import type { CallOptions, CommandProgress, CommandTicket, ProviderContext } from '../provider';
import type { RenaultAuthState } from './auth';

type RenaultSession = RenaultAuthState & { jwt: string };

/** Renault commands: which a model takes (spec §6.3) and how they are sent and confirmed. */
export const renaultCommands = {
  commandsFor(_vehicle: Vehicle): CommandName[] {
    return [];
  },
  send(_ctx: ProviderContext, _auth: RenaultSession, _vehicle: Vehicle, input: CommandInput, _opts: CallOptions): Promise<CommandTicket> {
    return Promise.reject(new CarError('NOT_SUPPORTED', `Renault command ${input.command} is not built yet`, { transient: false }));
  },
  track(_ctx: ProviderContext, _auth: RenaultSession, _vehicle: Vehicle, _ticket: CommandTicket, _opts: CallOptions): Promise<CommandProgress> {
    return Promise.resolve({ step: 'pending' });
  },
  trackIntervalMs(_ticket: CommandTicket): number {
    return 5_000;
  },
};
