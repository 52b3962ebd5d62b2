import Glibc

/// The C type of one of jemalloc's `opt.*` controls, which decides how a MALLOC_CONF value for it reads.
package enum JemallocOptionType: Equatable, Sendable {
  /// `bool`: MALLOC_CONF takes exactly `true` or `false`.
  case bool
  /// `unsigned` (32 bits).
  case unsigned
  /// `size_t` or `uint64_t`.
  case unsigned64
  /// `ssize_t` or `int64_t`.
  case signed64
  /// `const char *`: the value is taken as written.
  case string

  /// The options oomlab reads back, by MALLOC_CONF key (the control is `opt.<key>`).
  ///
  /// The documented ones are the `opt.*` entries of jemalloc 5.3's manual (jemalloc(3), "MALLCTL
  /// NAMESPACE"); the rest are readable in 5.3 though undocumented, typed as its ctl.c declares them.
  /// mallctl checks the size on every read, so a jemalloc that changed a type fails the read (EINVAL)
  /// instead of being misread.
  package static let known: [String: JemallocOptionType] = [
    // Documented in jemalloc(3).
    "abort": .bool, "confirm_conf": .bool, "abort_conf": .bool, "cache_oblivious": .bool, "metadata_thp": .string,
    "trust_madvise": .bool, "retain": .bool, "dss": .string, "narenas": .unsigned, "oversize_threshold": .unsigned64,
    "percpu_arena": .string, "background_thread": .bool, "max_background_threads": .unsigned64,
    "dirty_decay_ms": .signed64, "muzzy_decay_ms": .signed64, "lg_extent_max_active_fit": .unsigned64,
    "stats_print": .bool, "stats_print_opts": .string, "stats_interval": .signed64, "stats_interval_opts": .string,
    "junk": .string, "zero": .bool, "utrace": .bool, "xmalloc": .bool, "tcache": .bool, "tcache_max": .unsigned64,
    "thp": .string, "prof": .bool, "prof_prefix": .string, "prof_active": .bool, "prof_thread_active_init": .bool,
    "lg_prof_sample": .unsigned64, "prof_accum": .bool, "lg_prof_interval": .signed64, "prof_gdump": .bool,
    "prof_final": .bool, "prof_leak": .bool, "prof_leak_error": .bool, "zero_realloc": .string,
    // Undocumented in 5.3's manual.
    "hpa": .bool, "hpa_slab_max_alloc": .unsigned64, "hpa_hugification_threshold": .unsigned64,
    "hpa_hugify_delay_ms": .unsigned64, "hpa_min_purge_interval_ms": .unsigned64, "hpa_sec_nshards": .unsigned64,
    "hpa_sec_max_alloc": .unsigned64, "hpa_sec_max_bytes": .unsigned64, "hpa_sec_bytes_after_flush": .unsigned64,
    "hpa_sec_batch_fill_extra": .unsigned64, "tcache_nslots_small_min": .unsigned, "tcache_nslots_small_max": .unsigned,
    "tcache_nslots_large": .unsigned, "lg_tcache_nslots_mul": .signed64, "tcache_gc_incr_bytes": .unsigned64,
    "tcache_gc_delay_bytes": .unsigned64, "lg_tcache_flush_small_div": .unsigned, "lg_tcache_flush_large_div": .unsigned,
    "experimental_infallible_new": .bool, "prof_sys_thread_name": .bool, "prof_time_resolution": .string,
    "prof_recent_alloc_max": .signed64, "prof_stats": .bool, "mutex_max_spin": .signed64,
  ]

  /// What jemalloc makes of the MALLOC_CONF value `text` for an option of this type, or nil when it
  /// cannot be such a value.
  ///
  /// Numbers read as jemalloc's malloc_strtoumax reads them: base 0 (`0x10` and `010` are numbers),
  /// leading blanks skipped, nothing after the digits; an out-of-range number is nil rather than clamped.
  package func parse(_ text: String) -> JemallocValue? {
    switch self {
    case .bool:
      switch text {
      case "true": return .bool(true)
      case "false": return .bool(false)
      default: return nil
      }
    case .unsigned, .unsigned64:
      // strtoull would negate "-1" into a huge number; jemalloc then finds it out of range.
      guard !text.drop(while: { $0 == " " || $0 == "\t" }).hasPrefix("-") else { return nil }
      return Self.whole(text, strtoull).map { .unsigned(UInt64($0)) }
    case .signed64:
      return Self.whole(text, strtoll).map { .signed(Int64($0)) }
    case .string:
      return .string(text)
    }
  }

  /// Runs a strtoX-style converter with base 0 and returns its result when it consumed all of `text`
  /// without overflow.
  private static func whole<T>(
    _ text: String, _ convert: (UnsafePointer<CChar>, UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>, Int32) -> T
  ) -> T? {
    text.withCString { start -> T? in
      var end: UnsafeMutablePointer<CChar>?
      errno = 0
      let value = convert(start, &end, 0)
      guard errno == 0, let end, end != UnsafeMutablePointer(mutating: start), end.pointee == 0 else { return nil }
      return value
    }
  }
}
