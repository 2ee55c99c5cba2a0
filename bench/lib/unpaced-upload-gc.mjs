// Preloaded (`--import`) into a benchmark's server child to measure uploads as they were before
// the upload GC pacer: the pacer takes `globalThis.gc` when one exists, and this one does nothing.
globalThis.gc = () => undefined;
