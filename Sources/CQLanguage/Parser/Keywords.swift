/// The keywords of the statement language, for completion and "did you mean".
///
/// Keywords are case-insensitive; these lists hold them in lower case.
public enum Keywords {
  /// Words that start a statement (`show`, `top`, ...); any other word starts a query.
  public static let statements: [String] = [
    "bottom", "clear", "define", "describe", "exit", "explain", "help", "last", "load", "quit",
    "refresh", "run",
    "sample", "save", "schema", "set", "show", "top", "tutorial", "use",
  ]

  /// Words after `explain` that choose what it shows: `explain sql QUERY` (the SQL a database
  /// engine is sent), `explain plan QUERY` (the logical plan as text).
  public static let explainForms: [String] = ["sql", "plan"]

  /// Words that start a clause of a query.
  public static let clauses: [String] = [
    "by", "across", "where", "having", "order", "limit", "with", "chart",
  ]

  /// Words of conditions.
  public static let conditions: [String] = ["and", "or", "not", "in", "between"]

  /// Chart kinds accepted after `chart` (SPEC §5).
  public static let chartKinds: [String] = ChartKind.allCases.map(\.rawValue)

  /// What `show` can list, plural forms (the singular is accepted too).
  ///
  /// `params` is the shell's own list (`show params`), not a `ShowTarget` the engine lists.
  public static let showTargets: [String] = ShowTarget.allCases.map(\.rawValue) + ["params"]

  /// Every keyword, sorted.
  public static let all: [String] = Array(
    Set(
      statements + clauses + conditions + chartKinds + showTargets
        + ["asc", "desc", "other", "metric", "segment"])
  ).sorted()

  /// Words that cannot be a name or a bare value: they always mean their keyword.
  static let reserved: Set<String> = [
    "by", "where", "having", "order", "limit", "with", "chart", "and", "or", "not",
  ]
}
