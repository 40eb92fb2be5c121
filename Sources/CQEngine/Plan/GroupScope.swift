/// Which groups of a grain one aggregation adds up: every group on its own, or one group made
/// of all groups but some (`(other)` of `top N`) or of only some (the totals of the rows shown).
///
/// Groups are named by their dimension codes in the catalogue's value spaces, so the in-memory
/// executor and a SQL engine read the same scope.
enum GroupScope: Sendable {
  /// One group per key of the grain.
  case each
  /// One group: every key except these.
  case except(Set<[Int32]>)
  /// One group: only these keys.
  case only(Set<[Int32]>)
}

extension GroupScope {
  /// Whether each group of the grain is its own row (`.each`).
  var isEach: Bool {
    if case .each = self { return true }
    return false
  }
}
