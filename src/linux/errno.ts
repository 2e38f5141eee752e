// Linux errno values (x86-64) and their strace-style names and messages. Syscall handlers
// return -errno; the strace formatter turns it back into "-1 ENOENT (No such file or directory)".

export const EPERM = 1, ENOENT = 2, ESRCH = 3, EINTR = 4, EIO = 5, ENXIO = 6, E2BIG = 7, ENOEXEC = 8,
  EBADF = 9, ECHILD = 10, EAGAIN = 11, ENOMEM = 12, EACCES = 13, EFAULT = 14, EBUSY = 16, EEXIST = 17,
  EXDEV = 18, ENODEV = 19, ENOTDIR = 20, EISDIR = 21, EINVAL = 22, ENFILE = 23, EMFILE = 24, ENOTTY = 25,
  EFBIG = 27, ENOSPC = 28, ESPIPE = 29, EROFS = 30, EMLINK = 31, EPIPE = 32, EDOM = 33, ERANGE = 34, EDEADLK = 35,
  ENAMETOOLONG = 36, ENOSYS = 38, ENOTEMPTY = 39, ELOOP = 40, ENODATA = 61, EOVERFLOW = 75, ELIBBAD = 80,
  ENOTSOCK = 88, EOPNOTSUPP = 95, EAFNOSUPPORT = 97, ETIMEDOUT = 110;
// sockets
export const EDESTADDRREQ = 89, EMSGSIZE = 90, EPROTOTYPE = 91, ENOPROTOOPT = 92, EPROTONOSUPPORT = 93,
  ESOCKTNOSUPPORT = 94, EADDRINUSE = 98, EADDRNOTAVAIL = 99, ENETDOWN = 100, ENETUNREACH = 101,
  ECONNABORTED = 103, ECONNRESET = 104, ENOBUFS = 105, EISCONN = 106, ENOTCONN = 107, ESHUTDOWN = 108,
  ECONNREFUSED = 111, EHOSTDOWN = 112, EHOSTUNREACH = 113, EALREADY = 114, EINPROGRESS = 115;

const TABLE: [number, string, string][] = [
  [EPERM, "EPERM", "Operation not permitted"], [ENOENT, "ENOENT", "No such file or directory"],
  [ESRCH, "ESRCH", "No such process"], [EINTR, "EINTR", "Interrupted system call"],
  [EIO, "EIO", "Input/output error"], [ENXIO, "ENXIO", "No such device or address"],
  [E2BIG, "E2BIG", "Argument list too long"], [ENOEXEC, "ENOEXEC", "Exec format error"],
  [EBADF, "EBADF", "Bad file descriptor"], [ECHILD, "ECHILD", "No child processes"],
  [EAGAIN, "EAGAIN", "Resource temporarily unavailable"], [ENOMEM, "ENOMEM", "Cannot allocate memory"],
  [EACCES, "EACCES", "Permission denied"], [EFAULT, "EFAULT", "Bad address"],
  [EBUSY, "EBUSY", "Device or resource busy"], [EEXIST, "EEXIST", "File exists"],
  [EXDEV, "EXDEV", "Invalid cross-device link"], [ENODEV, "ENODEV", "No such device"],
  [ENOTDIR, "ENOTDIR", "Not a directory"], [EISDIR, "EISDIR", "Is a directory"],
  [EINVAL, "EINVAL", "Invalid argument"], [ENFILE, "ENFILE", "Too many open files in system"],
  [EMFILE, "EMFILE", "Too many open files"], [ENOTTY, "ENOTTY", "Inappropriate ioctl for device"],
  [EFBIG, "EFBIG", "File too large"], [ENOSPC, "ENOSPC", "No space left on device"],
  [ESPIPE, "ESPIPE", "Illegal seek"], [EROFS, "EROFS", "Read-only file system"],
  [EMLINK, "EMLINK", "Too many links"], [EPIPE, "EPIPE", "Broken pipe"],
  [EDOM, "EDOM", "Numerical argument out of domain"], [ERANGE, "ERANGE", "Numerical result out of range"], [EDEADLK, "EDEADLK", "Resource deadlock avoided"],
  [ENAMETOOLONG, "ENAMETOOLONG", "File name too long"], [ENOSYS, "ENOSYS", "Function not implemented"],
  [ELIBBAD, "ELIBBAD", "Accessing a corrupted shared library"],
  [ENOTEMPTY, "ENOTEMPTY", "Directory not empty"], [ELOOP, "ELOOP", "Too many levels of symbolic links"],
  [ENODATA, "ENODATA", "No data available"], [EOVERFLOW, "EOVERFLOW", "Value too large for defined data type"],
  [ENOTSOCK, "ENOTSOCK", "Socket operation on non-socket"], [EOPNOTSUPP, "EOPNOTSUPP", "Operation not supported"],
  [EAFNOSUPPORT, "EAFNOSUPPORT", "Address family not supported by protocol"],
  [ETIMEDOUT, "ETIMEDOUT", "Connection timed out"],
  [EDESTADDRREQ, "EDESTADDRREQ", "Destination address required"], [EMSGSIZE, "EMSGSIZE", "Message too long"],
  [EPROTOTYPE, "EPROTOTYPE", "Protocol wrong type for socket"], [ENOPROTOOPT, "ENOPROTOOPT", "Protocol not available"],
  [EPROTONOSUPPORT, "EPROTONOSUPPORT", "Protocol not supported"], [ESOCKTNOSUPPORT, "ESOCKTNOSUPPORT", "Socket type not supported"],
  [EADDRINUSE, "EADDRINUSE", "Address already in use"], [EADDRNOTAVAIL, "EADDRNOTAVAIL", "Cannot assign requested address"],
  [ENETDOWN, "ENETDOWN", "Network is down"], [ENETUNREACH, "ENETUNREACH", "Network is unreachable"],
  [ECONNABORTED, "ECONNABORTED", "Software caused connection abort"], [ECONNRESET, "ECONNRESET", "Connection reset by peer"],
  [ENOBUFS, "ENOBUFS", "No buffer space available"], [EISCONN, "EISCONN", "Transport endpoint is already connected"],
  [ENOTCONN, "ENOTCONN", "Transport endpoint is not connected"], [ESHUTDOWN, "ESHUTDOWN", "Cannot send after transport endpoint shutdown"],
  [ECONNREFUSED, "ECONNREFUSED", "Connection refused"], [EHOSTDOWN, "EHOSTDOWN", "Host is down"],
  [EHOSTUNREACH, "EHOSTUNREACH", "No route to host"], [EALREADY, "EALREADY", "Operation already in progress"],
  [EINPROGRESS, "EINPROGRESS", "Operation now in progress"],
];
const BY_NUM = new Map(TABLE.map(([n, name, msg]) => [n, { name, msg }]));
const BY_NAME = new Map(TABLE.map(([n, name]) => [name, n]));

/** "ENOENT (No such file or directory)" for 2. */
export function errnoText(e: number): string {
  const t = BY_NUM.get(e);
  return t ? `${t.name} (${t.msg})` : `E${e} (Unknown error ${e})`;
}

/** Errno number of a name like "ENOENT" (host error codes from Node), or EIO. */
export function errnoOf(name: string | undefined): number {
  return (name && BY_NAME.get(name)) || EIO;
}
