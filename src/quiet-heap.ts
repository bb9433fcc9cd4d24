// Imported first by lazy.ts, before the supervisor half allocates anything: V8 heap settings
// for a long-running supervisor, the only ones V8 still reads after start-up.
// - No memory-reducer GCs while idle. V8 starts its memory reducer (full GCs 8 s apart that
//   wake every worker thread) once the old generation has grown 1 MB past its size after
//   bootstrap with no full GC yet, which loading yaml, pino and a config does; an idle
//   supervisor should not wake at all. (--no-memory-reducer is read only when the heap is set
//   up.) A full GC caused by real work later still arms the reducer as usual.
// - The young generation stays at its initial 1 MB semi-spaces instead of growing to 16 MB:
//   pidone's garbage is short-lived batches of output, and the grown spaces stayed resident
//   (1,000 programs: 77 MB RSS instead of 104 MB).
// Measured on Node 20, 22 and 24: bench/startup.mjs ("idle, 10 programs"), bench/supervise.mjs.
import { setFlagsFromString } from 'node:v8';

setFlagsFromString('--no-memory-reducer-for-small-heaps');
setFlagsFromString('--semi-space-growth-factor=1');
