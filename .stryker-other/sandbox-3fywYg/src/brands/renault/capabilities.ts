/**
 * Which endpoint each Renault model takes, from renault-api's model table (spec §6.3,
 * snapshot 2026-07-23). Marks: ok = the default endpoint works; no = not available;
 * kcm = the KCM charge start or charge schedule; kcm-s = KCM ev/settings;
 * kcm-pr = KCM charge pause-resume; stop = hvac stop uses action "stop";
 * '.' = not documented (try the default and remember failures).
 * Kept as the spec's grid so that updating it from the spec is a copy, not a translation.
 */
// @ts-nocheck

export type Mark = 'ok' | 'no' | 'kcm' | 'kcm-s' | 'kcm-pr' | 'stop' | '.';

const MODELS = [
  'A4E1VE', 'A5E1AE', 'DU31SU', 'R5E1VE', 'X071VE', 'X101VE', 'X102VE', 'XBG1VE', 'XCB1SE', 'XCB1VE', 'XDD1VE',
  'XFB2BI', 'XHN1CP', 'XHN1ML', 'XHN1SU', 'XJA1VP', 'XJA2VP', 'XJB1SU', 'XJB2CP', 'XJF2BI', 'XJL2TR',
] as const;

// prettier-ignore
const GRID: Record<string, string> = {
  'actions/charge-set-mode':     'no  no  .   no  .   .   .   .   .   .   ok  .   .   .   .   .   .   .   .   no  .',
  'actions/charge-set-schedule': 'no  no  .   no  .   ok  .   .   .   kcm no  .   .   .   .   .   .   .   .   no  .',
  'actions/charge-start':        'kcm-s kcm-s . kcm-s . ok ok kcm-pr . kcm kcm-s . no . no no no no no no .',
  'actions/charge-stop':         'no  no  .   no  .   .   kcm-pr kcm-pr . no no . . . no no no no no no .',
  'actions/horn-start':          'ok  ok  no  ok  .   .   no  no  .   ok  ok  .   ok  ok  ok  no  no  no  ok  ok  .',
  'actions/hvac-set-schedule':   'no  no  .   no  .   .   .   .   .   .   .   .   .   .   .   .   .   .   .   no  .',
  'actions/hvac-start':          'ok  ok  .   ok  .   ok  ok  ok  .   ok  ok  .   .   no  no  no  no  ok  no  no  .',
  'actions/hvac-stop':           'ok  stop . stop .  ok  .   stop .  .   ok  .   .   .   .   .   .   .   .   no  .',
  'actions/lights-start':        'ok  ok  no  ok  .   .   no  no  .   ok  ok  .   ok  ok  ok  no  no  no  ok  ok  .',
  'actions/refresh-location':    '.   .   .   ok  .   .   .   ok  .   .   .   .   .   .   .   .   .   .   .   ok  .',
  'alerts':                      '.   no  .   ok  .   .   .   no  .   .   .   .   .   .   .   no  no  .   .   no  .',
  'battery-status':              'ok  ok  no  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  no  no  no  no  ok  no  no  .',
  'charge-history':              'no  no  no  no  no  .   .   no  .   no  no  no  no  no  no  no  no  no  .   no  no',
  'charge-mode':                 'no  no  no  no  no  ok  no  no  no  no  no  no  no  no  no  no  no  no  no  no  no',
  'charge-schedule':             'kcm-s kcm-s no kcm-s no ok no no kcm-s no kcm-s no kcm-s no . no no no . no no',
  'charges':                     'ok  ok  no  ok  .   .   .   .   .   .   .   .   .   no  .   no  no  .   .   no  .',
  'charging-settings':           '.   no  no  no  ok  .   ok  no  .   ok  no  ok  no  no  no  no  no  ok  no  no  no',
  'cockpit':                     'ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok',
  'hvac-history':                '.   no  no  no  no  .   .   no  .   no  no  no  no  no  .   no  no  no  .   no  no',
  'hvac-sessions':               '.   no  no  no  no  .   .   no  .   no  no  no  no  no  .   no  no  no  .   no  no',
  'hvac-settings':               '.   ok  no  ok  ok  .   ok  no  ok  ok  ok  ok  ok  no  .   no  no  ok  .   no  no',
  'hvac-status':                 'ok  ok  no  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  no  no  no  no  ok  no  no  no',
  'location':                    'ok  ok  ok  ok  ok  no  ok  ok  ok  ok  ok  no  ok  ok  ok  ok  ok  ok  ok  ok  ok',
  'lock-status':                 'no  no  no  no  no  no  no  no  no  no  no  no  no  no  no  no  no  no  no  no  no',
  'notification-settings':       'no  no  .   no  no  .   .   no  .   no  no  no  no  no  .   no  no  no  .   no  .',
  'pressure':                    'no  no  no  no  no  no  ok  no  .   no  no  no  no  no  no  no  no  no  no  no  no',
  'res-state':                   'no  no  no  no  no  no  no  no  no  no  no  no  no  no  no  no  no  no  no  no  no',
  'soc-levels':                  'ok  ok  no  ok  .   no  no  no  .   ok  ok  .   .   no  no  no  no  no  no  no  .',
};

const TABLE: Record<string, Record<string, Mark>> = {};
for (const [endpoint, row] of Object.entries(GRID)) {
  const marks = row.trim().split(/\s+/) as Mark[];
  if (marks.length !== MODELS.length) throw new Error(`capability row ${endpoint} has ${marks.length} marks`);
  TABLE[endpoint] = Object.fromEntries(MODELS.map((m, i) => [m, marks[i] ?? '.']));
}

export const KNOWN_MODELS: readonly string[] = MODELS;
export const ENDPOINT_KEYS: readonly string[] = Object.keys(GRID);

/** The mark for an endpoint on a model; unknown models and endpoints get '.' (try it). */
export function endpointMark(modelCode: string | undefined, endpoint: string): Mark {
  if (!modelCode) return '.';
  return TABLE[endpoint]?.[modelCode] ?? '.';
}

export function isAvailable(modelCode: string | undefined, endpoint: string): boolean {
  return endpointMark(modelCode, endpoint) !== 'no';
}

/** Zoe phase 1 (and GDC gateways) report charging power in W, others in kW. */
export function reportsPowerInWatts(modelCode: string | undefined): boolean {
  return modelCode === 'X101VE';
}

/**
 * Which endpoint serves a read on a model (spec §5 notes, §6.3): the read itself, another one
 * the model takes instead (charge-schedule → KCM ev/settings on R5, A290, Master...), or none
 * ('no': answer NOT_SUPPORTED without calling). `known` says whether the grid documents it
 * ('.' marks and unknown models are tried and their failures remembered).
 */
export function readRoute(modelCode: string | undefined, endpoint: string, capability: string | undefined): { call: string; known: boolean } | undefined {
  const known = modelCode !== undefined && KNOWN_MODELS.includes(modelCode);
  if (endpoint === 'ev/settings') {
    if (!known) return { call: endpoint, known: false };
    const schedule = endpointMark(modelCode, 'charge-schedule');
    const start = endpointMark(modelCode, 'actions/charge-start');
    if (schedule === 'kcm-s' || start === 'kcm-s') return { call: endpoint, known: true };
    return schedule === '.' ? { call: endpoint, known: false } : undefined;
  }
  if (!capability) return { call: endpoint, known };
  const mark = endpointMark(modelCode, capability);
  if (mark === 'no') return undefined;
  if (endpoint === 'charge-schedule' && mark === 'kcm-s') return { call: 'ev/settings', known: true };
  return { call: endpoint, known: known && mark !== '.' };
}
