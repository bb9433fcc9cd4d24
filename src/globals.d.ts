/** Set by build.mjs (and the test loader) from package.json. */
declare const PIDONE_VERSION: string;
