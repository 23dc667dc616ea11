// @ts-nocheck
import * as path from 'node:path';
import { z } from 'zod';
import { BRANDS, CarError, TokenStore, accountSeed, type Brand, type Clock, type Logger, type ProviderId } from '../core';
import { getProvider, type AccountConfig, type AnswerMemory, type Provider } from '../brands';
import { AccountSession, type SessionState } from './session';
import { configSeed } from './account-file';

/** The account settings as the config node holds them (strings from the editor). */
export interface AccountSettings {
  provider: string;
  brand?: string;
  locale?: string;
  username?: string;
  password?: string;
  /** 'password' (default) or 'token': a pasted access token and its account, no password. */
  authMode?: string;
  /** The pasted access token (a secret). */
  accessToken?: string;
  accountId?: string;
  servers?: Record<string, string | undefined>;
  keys?: Record<string, string | undefined>;
  budgetPerHour?: number;
}

export interface CreateSessionOptions {
  key: string;
  userDir: string;
  settings: AccountSettings;
  log?: Logger;
  clock?: Clock;
  httpTimeoutMs?: number;
  statusDeadlineMs?: number;
}

/** Where token files live: a folder of the plugin's own under Node-RED's user directory. */
export function tokenDir(userDir: string): string {
  return path.join(userDir, 'connected-car');
}

function clean(record: Record<string, string | undefined> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(record ?? {})) if (typeof v === 'string' && v.trim() !== '') out[k] = v.trim();
  return out;
}

function authMode(value: string | undefined): 'password' | 'token' {
  if (value === undefined || value === '' || value === 'password') return 'password';
  if (value === 'token') return 'token';
  throw new CarError('BAD_INPUT', `authMode must be password or token (got "${value}")`);
}

/**
 * What the user still has to enter before the account can sign in, in words; undefined when
 * nothing is missing. An account that is not filled in yet (an imported example) is not an
 * error of the cloud: the config node says so once, as a warning, and tries nothing.
 */
/** Every brand's offer, for the editor (GET /connected-car/brands). */
export { describeBrands, type BrandDescription } from '../brands';

export function missingSignIn(settings: AccountSettings): string | undefined {
  const provider = settings.provider || 'renault';
  if (provider === 'renault') {
    if (authMode(settings.authMode) === 'token') return settings.accessToken ? undefined : 'the pasted access token (JWT)';
    return settings.username && settings.password ? undefined : 'the e-mail address and the password';
  }
  if (provider === 'cardata') return settings.keys?.clientId?.trim() ? undefined : 'the CarData client id';
  return undefined;
}

/** A provider, the checked config and budget: what a session is built from. */
interface ResolvedAccount {
  provider: Provider<unknown>;
  config: AccountConfig;
  budget?: { limit: number; reserve: number };
}

/** Checks the settings and fills in the provider's defaults; throws BAD_INPUT naming the setting that is wrong. */
function resolveAccount(settings: AccountSettings): ResolvedAccount {
  const provider = getProvider(settings.provider);
  const config = provider.resolveConfig({
    provider: provider.id as ProviderId,
    ...(settings.locale ? { locale: settings.locale } : {}),
    ...(settings.username ? { username: settings.username.trim() } : {}),
    ...(settings.password ? { password: settings.password } : {}),
    ...(authMode(settings.authMode) === 'token'
      ? { authMode: 'token' as const, accessToken: settings.accessToken ?? '', accountId: (settings.accountId ?? '').trim() }
      : {}),
    servers: clean(settings.servers),
    keys: clean(settings.keys),
  });
  const brand = settings.brand;
  if (brand && !(BRANDS as readonly string[]).includes(brand)) {
    throw new CarError('BAD_INPUT', `brand must be one of: ${BRANDS.join(', ')} (or empty for all; got "${brand}")`);
  }
  if (brand) config.brand = brand as Brand;
  const perHour = settings.budgetPerHour;
  if (perHour !== undefined && (!Number.isFinite(perHour) || perHour < 1 || perHour > 600)) {
    throw new CarError('BAD_INPUT', `budgetPerHour must be a number from 1 to 600 (got ${String(perHour)})`);
  }
  const budget = perHour !== undefined && provider.budget.windowMs === 3_600_000 ? { limit: perHour, reserve: Math.max(1, Math.round(perHour / 10)) } : undefined;
  return { provider, config, ...(budget ? { budget } : {}) };
}

function sessionOf(account: ResolvedAccount, options: Omit<CreateSessionOptions, 'settings'> & { legacyKeys?: string[]; runtimeMemory?: AnswerMemory }): AccountSession {
  return new AccountSession({
    key: options.key.replace(/[^A-Za-z0-9._-]/g, '_'),
    ...(options.legacyKeys ? { legacyKeys: options.legacyKeys } : {}),
    provider: account.provider,
    config: account.config,
    store: new TokenStore(tokenDir(options.userDir)),
    ...(options.log ? { log: options.log } : {}),
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.httpTimeoutMs !== undefined ? { httpTimeoutMs: options.httpTimeoutMs } : {}),
    ...(options.statusDeadlineMs !== undefined ? { statusDeadlineMs: options.statusDeadlineMs } : {}),
    ...(account.budget ? { budget: account.budget } : {}),
    ...(options.runtimeMemory ? { runtimeMemory: options.runtimeMemory } : {}),
  });
}

/** Builds a session of its own for one account (tests, tools); nodes share theirs through AccountRegistry. */
export function createSession(options: CreateSessionOptions): AccountSession {
  return sessionOf(resolveAccount(options.settings), options);
}

/**
 * Who signs in where, without a secret: two account nodes with the same identity are one cloud
 * account (same user and servers, or the same CarData client id), so they share one session.
 */
function identityOf({ config: c }: ResolvedAccount): string {
  const who = c.authMode === 'token' ? ['token', c.accountId] : ['user', c.username?.toLowerCase()];
  return accountSeed([c.provider, c.brand, c.locale, ...who, ...Object.entries(c.servers).flat(), ...Object.entries(c.keys).flat()]).slice(0, 16);
}

interface OpenAccount {
  session: AccountSession;
  /** What else must match to share it (password, pasted token, budget). */
  settings: string;
  /** The nodes holding it, each with its log; the first one's log speaks for the account. */
  holders: Map<string, Logger>;
  /** Set while no node holds it: it closes when this fires, unless a node takes it again (a redeploy). */
  grace?: ReturnType<typeof setTimeout>;
}

/** How long a session nobody holds stays open: a full redeploy takes it up again without a call. */
export const ACCOUNT_GRACE_MS = 60_000;

/**
 * One session per cloud account, however many config nodes name it: one sign-in, one token
 * file, one call budget, one stream. Reference-counted: the last node to go closes it (and, when
 * that node was deleted, deletes its file). One registry per Node-RED runtime.
 */
export class AccountRegistry {
  private readonly open = new Map<string, OpenAccount>();
  /** What the runtime's connections did that a later session needs (ProviderContext.runtimeMemory). */
  private readonly runtimeMemory: AnswerMemory = new Map();

  /**
   * graceMs: how long the session of an account whose last node went (not deleted) stays open
   * for the nodes of a redeploy to take up again, with its tokens, cache, budget and stream.
   * 0 closes it at once (tests).
   */
  constructor(
    private readonly userDir: string,
    private readonly clock?: Clock,
    private readonly graceMs = ACCOUNT_GRACE_MS,
    /**
     * Shorter waits for every session (the fault suite): one HTTP attempt's timeout (default:
     * HttpClient's), and a status read's deadline, then on the registry's clock (default: 30 s of real time).
     */
    private readonly timing: { httpTimeoutMs?: number; statusDeadlineMs?: number } = {},
  ) {}

  /** The session of these settings, shared with every node of the same account; throws BAD_INPUT. */
  acquire(holder: string, settings: AccountSettings, log: Logger): AccountSession {
    const account = resolveAccount(settings);
    const identity = identityOf(account);
    // E-mail addresses are one account whatever their case.
    const others = accountSeed([configSeed({ ...account.config, username: account.config.username?.toLowerCase() }), JSON.stringify(account.budget ?? {})]);
    let found = this.open.get(identity);
    if (found && found.holders.size === 0 && found.settings !== others) {
      // Kept for a redeploy, but the new settings differ (a new password): start afresh.
      void this.closeNow(identity, found, false);
      found = undefined;
    }
    if (found) {
      if (found.settings !== others) {
        throw new CarError('BAD_INPUT', 'another car-account node uses the same account with a different password, token or budget; keep one account node per cloud account (or make their settings equal)');
      }
      if (found.grace) clearTimeout(found.grace);
      found.grace = undefined;
      found.holders.set(holder, log);
      return found.session;
    }
    const holders = new Map([[holder, log]]);
    const speaker = (level: keyof Logger) => (m: string) => holders.values().next().value?.[level](m);
    const session = sessionOf(account, {
      key: `${account.provider.id}-${identity}`,
      // Before accounts were shared, the file was named after the config node.
      legacyKeys: [holder.replace(/[^A-Za-z0-9._-]/g, '_')],
      userDir: this.userDir,
      runtimeMemory: this.runtimeMemory,
      log: { debug: speaker('debug'), info: speaker('info'), warn: speaker('warn'), error: speaker('error') },
      ...(this.clock ? { clock: this.clock } : {}),
      ...this.timing,
    });
    this.open.set(identity, { session, settings: others, holders });
    return session;
  }

  /** A node lets go of its session; the last one closes it, and deletes its file when `removed`. */
  async release(holder: string, session: AccountSession, removed: boolean): Promise<void> {
    const entry = [...this.open.entries()].find(([, a]) => a.session === session);
    if (!entry) return;
    const [identity, account] = entry;
    account.holders.delete(holder);
    if (account.holders.size > 0) return;
    if (!removed && this.graceMs > 0) {
      // A redeploy closes every node and starts new ones a moment later: keep the session for them.
      if (account.grace) clearTimeout(account.grace);
      account.grace = setTimeout(() => void this.closeNow(identity, account, false), this.graceMs);
      account.grace.unref();
      await session.save();
      return;
    }
    await this.closeNow(identity, account, removed);
  }

  private async closeNow(identity: string, account: OpenAccount, removed: boolean): Promise<void> {
    if (account.grace) clearTimeout(account.grace);
    account.grace = undefined;
    if (this.open.get(identity) !== account || account.holders.size > 0) return;
    this.open.delete(identity);
    await account.session.close();
    if (removed) await account.session.forget();
  }

  /** Closes every session nobody holds now (the end of the runtime, tests). */
  async closeIdle(): Promise<void> {
    for (const [identity, account] of [...this.open]) if (account.holders.size === 0) await this.closeNow(identity, account, false);
  }
}

/** The account node's settings as the editor saves them (all strings). */
export interface AccountDef {
  provider: string;
  brand?: string;
  locale?: string;
  gigyaUrl?: string;
  kamereonUrl?: string;
  gigyaApiKey?: string;
  kamereonApiKey?: string;
  budgetPerHour?: string | number;
  /** 'password' or 'token' (myRenaultLC's manual mode). */
  authMode?: string;
  /** The account id of a pasted token. */
  accountId?: string;
  /** The CarData client id as older versions kept it, a plain property in the flow (now the credential cardataClientId). */
  clientId?: string;
  apiUrl?: string;
  authUrl?: string;
  mqttUrl?: string;
  streamingUsername?: string;
}

export function settingsFromDef(def: AccountDef, credentials: Record<string, string | undefined> | undefined): AccountSettings {
  const budget = def.budgetPerHour === undefined || def.budgetPerHour === '' ? undefined : Number(def.budgetPerHour);
  return {
    provider: def.provider || 'renault',
    ...(def.brand ? { brand: def.brand } : {}),
    ...(def.locale ? { locale: def.locale } : {}),
    ...(credentials?.username ? { username: credentials.username } : {}),
    ...(credentials?.password ? { password: credentials.password } : {}),
    ...(def.authMode ? { authMode: def.authMode } : {}),
    ...(credentials?.jwt ? { accessToken: credentials.jwt.trim() } : {}),
    ...(def.accountId ? { accountId: def.accountId } : {}),
    // Each provider reads its own roles: Renault gigya/kamereon, CarData api/auth/mqtt and clientId.
    servers: { gigya: def.gigyaUrl, kamereon: def.kamereonUrl, api: def.apiUrl, auth: def.authUrl, mqtt: def.mqttUrl },
    // The client id is a credential (flows_cred.json); a flow of an older version has it as a property, read until the node is saved again.
    keys: { gigyaApiKey: def.gigyaApiKey, kamereonApiKey: def.kamereonApiKey, clientId: credentials?.cardataClientId || def.clientId, streamingUsername: def.streamingUsername },
    ...(budget !== undefined ? { budgetPerHour: budget } : {}),
  };
}

export type PublicState = SessionState & { budget?: { used: number; limit: number; windowMs: number } };

/** The editor's view of a session: never a token, never the password. */
export function publicState(session: AccountSession | undefined, configError: string | undefined): PublicState {
  if (!session) return { phase: 'error', code: 'BAD_INPUT', message: configError ?? 'not configured' };
  return { ...session.state, budget: { used: session.budget.used(), limit: session.budget.limit, windowMs: session.budget.windowMs } };
}

/** The editor's POST body for a sign-in code. */
const CodeRequestSchema = z.object({ code: z.string().max(200) });

/**
 * Answers a pending sign-in step with the code the user typed in the editor. Throws
 * BAD_INPUT for a body without a code; the code itself never appears in an error.
 */
export async function submitSignInCode(session: AccountSession, body: unknown): Promise<PublicState> {
  const parsed = CodeRequestSchema.safeParse(body);
  if (!parsed.success) throw new CarError('BAD_INPUT', 'code: send {"code": "<the code from the e-mail>"}');
  await session.submitCode(parsed.data.code);
  return publicState(session, undefined);
}

/**
 * The environment variable that points accounts at the built-in simulator (`connected-car demo`
 * and the tests set it; examples keep the real clouds' defaults). Only empty server fields are
 * filled in, and only a simulator on this machine is accepted (http://127.0.0.1 or localhost).
 */
export const SIMULATOR_ENV = 'CONNECTED_CAR_SIMULATOR';
/** The simulator's MQTT broker; default: mqtt://<its host>:<its port + 1>, where `connected-car sim` runs it. */
export const SIMULATOR_MQTT_ENV = 'CONNECTED_CAR_SIMULATOR_MQTT';

function localUrl(name: string, value: string, protocols: string[]): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new CarError('BAD_INPUT', `${name} must be a URL like http://127.0.0.1:18860 (got "${value}")`);
  }
  if (!protocols.includes(url.protocol) || !['127.0.0.1', 'localhost'].includes(url.hostname)) {
    throw new CarError('BAD_INPUT', `${name} must name a simulator on this machine (${protocols[0] ?? ''}//127.0.0.1:<port> or localhost; got "${value}")`);
  }
  return url;
}

/**
 * The settings with their empty server fields pointed at the simulator named by
 * CONNECTED_CAR_SIMULATOR, and the simulator's address; unchanged settings when it is not set.
 * Throws BAD_INPUT when it names anything but a simulator on this machine.
 */
export function pointAtSimulator(settings: AccountSettings, env: Record<string, string | undefined> = process.env): { settings: AccountSettings; simulator?: string } {
  const raw = env[SIMULATOR_ENV]?.trim();
  if (!raw) return { settings };
  const base = localUrl(SIMULATOR_ENV, raw, ['http:']);
  const root = `${base.origin}${base.pathname.replace(/\/+$/, '')}`;
  const mqttRaw = env[SIMULATOR_MQTT_ENV]?.trim();
  const mqtt = mqttRaw ? localUrl(SIMULATOR_MQTT_ENV, mqttRaw, ['mqtt:']).href.replace(/\/$/, '') : `mqtt://${base.hostname}:${Number(base.port || 80) + 1}`;
  const defaults: Record<string, string> =
    (settings.provider || 'renault') === 'cardata'
      ? { api: `${root}/cardata/api`, auth: `${root}/cardata/gcdm`, mqtt }
      : { gigya: `${root}/renault/gigya`, kamereon: `${root}/renault/kamereon` };
  const servers: Record<string, string | undefined> = { ...settings.servers };
  for (const [role, url] of Object.entries(defaults)) if (!servers[role]?.trim()) servers[role] = url;
  return { settings: { ...settings, servers }, simulator: root };
}
