import Glibc

extension JemallocConf {
  /// Fails unless this process's jemalloc holds every value asked, read back through `opt.<key>`.
  ///
  /// jemalloc takes MALLOC_CONF before main and answers a bad pair only with a warning on stderr
  /// ("<jemalloc>: Invalid conf pair"), keeping its default; reading each option back is the one way
  /// to know the run is configured as its summary will say.
  package func verifyApplied() throws {
    for pair in effective {
      let name = "opt." + pair.key
      guard let type = JemallocOptionType.known[pair.key] else {
        if Mallctl.exists(name) { throw JemallocConfError.uncheckable(key: pair.key, value: pair.value) }
        throw JemallocConfError.unknownKey(key: pair.key, value: pair.value)
      }
      let actual: JemallocValue
      switch Mallctl.read(name, as: type) {
      case .success(let value): actual = value
      case .failure(let error) where error.errno == ENOENT:
        throw JemallocConfError.unknownKey(key: pair.key, value: pair.value)
      case .failure(let error):
        throw JemallocConfError.unreadable(key: pair.key, value: pair.value, errno: error.errno)
      }
      guard type.parse(pair.value) == actual else {
        throw JemallocConfError.notApplied(key: pair.key, asked: pair.value, actual: actual)
      }
    }
  }
}
