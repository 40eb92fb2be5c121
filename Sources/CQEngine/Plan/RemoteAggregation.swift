import CQLanguage

/// A database that aggregates a plan's facts to a grain (the SQL engines of SPEC §8).
///
/// Everything after aggregation — formulas, `having`, order, `top`/`(other)`, totals,
/// formatting — runs in cq on the groups it returns, the same code for every engine, so a
/// result is byte-identical to the in-memory engine's. A database may leave out groups cq would
/// drop anyway (``table(_:engine:)``).
protocol RemoteAggregation: AnyObject {
  /// The groups of `grain` under `plan`'s filters, their codes in `engine`'s value spaces.
  ///
  /// - Throws: `DiagnosticsError` (phase `.data`) when the database fails.
  func groups(_ plan: LogicalPlan, grain: [Dimension], scope: GroupScope, engine: Engine)
    throws(DiagnosticsError) -> [Group]

  /// Every group of `plan`'s grain as columns, or, when `having`, order and limit can run on
  /// the database without changing the answer, a superset of the groups cq keeps.
  ///
  /// - Throws: `DiagnosticsError` (phase `.data`) when the database fails.
  func table(_ plan: LogicalPlan, engine: Engine) throws(DiagnosticsError) -> GroupTable
}
