/// The thresholds that choose between the executor's equivalent paths: dense or hashed group
/// tables, one fused pass or several, one core or both, derived codes kept or made per query,
/// packed or compared sorts, the columnar or the group-at-a-time executor.
///
/// Every path gives the same answer, and the tests prove it by running each: they bind other
/// thresholds for the length of one call (`ExecutionTuning.$current.withValue(…) { … }`). The
/// value is task-local, so a binding is seen only by the code it wraps, never by a query on
/// another thread, and nothing is a mutable static.
struct ExecutionTuning: Sendable {
  /// Key spaces up to this size are aggregated in one fused pass into key-indexed arrays.
  var fusedKeyLimit: Int64 = 1 << 16
  /// The most keys the fused pass takes when the rows outnumber them.
  var fusedKeyCap: Int64 = 1 << 21
  /// Segments at least this long are split across the cores.
  var parallelRowThreshold = 1 << 17
  /// Key spaces up to this size index a dense table of group ids; larger ones are hashed.
  var denseKeyLimit: Int64 = 1 << 22
  /// Rows at least this many are grouped by radix-partitioned hashing when the key space is too
  /// large for a dense table.
  var partitionRowThreshold = 1 << 16
  /// Tables with at least this many rows keep no derived code arrays.
  var keptDerivedRows = 1 << 20
  /// Off: every query takes the group-at-a-time path.
  var executesOnColumns = true
  /// Results at least this long are fully sorted on packed keys.
  var packedSortMinimum = 4096

  /// The thresholds in force: the defaults, unless a caller bound others around this call.
  @TaskLocal static var current = ExecutionTuning()
}
