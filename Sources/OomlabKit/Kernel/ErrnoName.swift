import Glibc

/// Symbolic errno names for messages, because "EACCES" is what people search for.
enum ErrnoName {
  /// `EACCES` for 13, and so on; `errno N` for numbers not listed.
  static func of(_ code: Int32) -> String {
    switch code {
    case EPERM: return "EPERM"
    case ENOENT: return "ENOENT"
    case ESRCH: return "ESRCH"
    case EINTR: return "EINTR"
    case EIO: return "EIO"
    case EAGAIN: return "EAGAIN"
    case ENOMEM: return "ENOMEM"
    case EACCES: return "EACCES"
    case EBUSY: return "EBUSY"
    case EEXIST: return "EEXIST"
    case ENODEV: return "ENODEV"
    case ENOTDIR: return "ENOTDIR"
    case EINVAL: return "EINVAL"
    case ENOSPC: return "ENOSPC"
    case EROFS: return "EROFS"
    case EPIPE: return "EPIPE"
    case ENOTEMPTY: return "ENOTEMPTY"
    case EOPNOTSUPP: return "EOPNOTSUPP"
    default: return "errno \(code)"
    }
  }

  /// `Permission denied (EACCES)`: the C library's text and the symbolic name.
  static func explain(_ code: Int32) -> String {
    "\(String(cString: strerror(code))) (\(of(code)))"
  }
}
