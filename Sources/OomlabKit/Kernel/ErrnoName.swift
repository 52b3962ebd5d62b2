import COomlabShim
import Glibc

/// Symbolic errno names for messages, because "EACCES" is what people search for.
enum ErrnoName {
  /// `EACCES` for 13, and so on; for numbers not listed, glibc's name, else `errno N`.
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
    case ENOEXEC: return "ENOEXEC"
    case ELOOP: return "ELOOP"
    case EMFILE: return "EMFILE"
    case EISDIR: return "EISDIR"
    case EFBIG: return "EFBIG"
    case EDQUOT: return "EDQUOT"
    case ENAMETOOLONG: return "ENAMETOOLONG"
    default: return oomlab_errno_name(code).map { String(cString: $0) } ?? "errno \(code)"
    }
  }

  /// `Permission denied (EACCES)`: the C library's text and the symbolic name.
  static func explain(_ code: Int32) -> String {
    "\(String(cString: strerror(code))) (\(of(code)))"
  }
}
