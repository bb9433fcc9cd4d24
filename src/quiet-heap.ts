// Imported first by lazy.ts, before the supervisor half allocates anything. V8 starts its
// memory reducer (full GCs 8 s apart that wake every worker thread) once the old generation
// has grown 1 MB past its size after bootstrap with no full GC yet, which loading yaml, pino
// and a config does. An idle supervisor should not wake at all. This is the one memory-reducer
// switch V8 reads after start-up (--no-memory-reducer is read once, when the heap is set up);
// a full GC caused by real work later still arms the reducer as usual. Measured on Node 20, 22
// and 24: bench/startup.mjs, "idle, 10 programs".
import { setFlagsFromString } from 'node:v8';

setFlagsFromString('--no-memory-reducer-for-small-heaps');
