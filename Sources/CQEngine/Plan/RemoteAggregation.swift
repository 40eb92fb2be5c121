import CQLanguage

/// A database that aggregates a plan's facts to a grain (the SQL engines of SPEC §8).
///
/// Everything after aggregation — formulas, `having`, order, `top`/`(other)`, totals,
/// formatting — runs in cq on the groups it returns, the same code for every engine, so a
/// result is byte-identical to the in-memory engine's.
protocol RemoteAggregation: AnyObject {
  /// The groups of `grain` under `plan`'s filters, their codes in `engine`'s value spaces.
  ///
  /// - Throws: `DiagnosticsError` (phase `.data`) when the database fails.
  func groups(_ plan: LogicalPlan, grain: [Dimension], scope: GroupScope, engine: Engine)
    throws(DiagnosticsError) -> [Group]
}
