// rt0's version, shown by `rt0 --version`.
export const VERSION = "0.1.0";
