/// Loads a data folder of CSV files into a `DataSet` (SPEC §1).
///
/// Reads `influencers.csv`, `posts.csv`, `tracking_data.csv` and `payouts.csv` (required) and
/// `products.csv`, `store_orders.csv` (optional), validates every value, and relates the
/// tables through shared dictionaries. A failure throws and leaves nothing half-loaded.
public enum DataLoader {
  /// The label given to a tracking row's brand when it cannot be known.
  public static let unknownBrand = "(unknown)"

  /// Loads the CSV files of `folder`, through the cache in `folder/.cq-cache/` when it is valid.
  ///
  /// The same as `load(folder:cache:)` with `.use`, or `.ignore` when the environment sets
  /// `CQ_NO_CACHE=1`.
  ///
  /// - Parameter folder: The data folder; error messages name files as `folder/name.csv`.
  /// - Returns: The tables, with notes (extra columns, unknown influencers, derived brand) in
  ///   `warnings`.
  /// - Throws: `LoadError` for a missing file or column, a malformed record, or a bad value,
  ///   with the message `FILE:LINE: column 'NAME': expected KIND, found "TEXT"` for the latter.
  /// - Complexity: O(*n*) in the files' bytes; one `String` per distinct string value, none
  ///   per field.
  public static func load(folder: String) throws(LoadError) -> DataSet {
    try load(folder: folder, cache: .fromEnvironment)
  }

  /// Loads `folder` from its binary cache when that is valid, else from the CSV files.
  ///
  /// Under `.use` (and `.rebuild`) a load that parses the CSV files then writes the cache
  /// (best effort: an unwritable folder only means no cache). Cache trouble never makes a load
  /// fail; a cached load returns exactly what parsing would, warnings included.
  ///
  /// - Complexity: from the cache, O(*n*) in its bytes near memory bandwidth plus one `String`
  ///   per distinct string value; otherwise as `load(folder:)`, plus writing the cache.
  public static func load(folder: String, cache: CachePolicy) throws(LoadError) -> DataSet {
    try loadReportingCache(folder: folder, cache: cache).data
  }

  /// `load(folder:)`, but a cache to be written after parsing is handed to `writer` and written
  /// in the background, so the data is returned as soon as it is parsed.
  public static func load(folder: String, writingCacheWith writer: CacheWriter) throws(LoadError)
    -> DataSet
  {
    writer.wait()  // a cache of this folder may still be being written
    return try DataCache.load(folder: folder, policy: .fromEnvironment, writer: writer) {
      () throws(LoadError) in
      try load(folder: folder, chunkThreshold: TableParser.defaultChunkThreshold)
    }.data
  }

  /// `load(folder:cache:)`, also telling whether the cache was read, refused or written.
  public static func loadReportingCache(folder: String, cache: CachePolicy) throws(LoadError)
    -> (data: DataSet, cache: CacheReport)
  {
    try loadReportingCache(
      folder: folder, cache: cache, minimumSourceBytes: DataCache.minimumSourceBytes)
  }

  /// `loadReportingCache(folder:cache:)` writing a cache under `.use` only for data of at least
  /// `minimumSourceBytes` (tests pass 0).
  static func loadReportingCache(
    folder: String, cache: CachePolicy, minimumSourceBytes: Int
  ) throws(LoadError) -> (data: DataSet, cache: CacheReport) {
    try DataCache.load(folder: folder, policy: cache, minimumSourceBytes: minimumSourceBytes) {
      () throws(LoadError) in
      try load(folder: folder, chunkThreshold: TableParser.defaultChunkThreshold)
    }
  }

  /// Parses the CSV files of `folder` (never the cache), cutting files with at least
  /// `chunkThreshold` body bytes in two chunks parsed at once (tests pass 0 to exercise the cut
  /// on small files, `.max` to never cut).
  static func load(folder: String, chunkThreshold: Int) throws(LoadError) -> DataSet {
    guard MappedFile.isFolder(folder) else { throw .missingFolder(folder: folder) }
    func path(_ schema: TableSchema) -> String {
      folder.hasSuffix("/") ? folder + schema.fileName : folder + "/" + schema.fileName
    }
    // Every missing file is named at once (an empty folder names all four).
    let missing = [TableSchema.influencers, .posts, .tracking, .payouts].filter {
      !MappedFile.exists(path($0))
    }
    if missing.count == 1 { throw .missingFile(file: path(missing[0])) }
    if missing.count > 1 { throw .missingFiles(folder: folder, names: missing.map(\.fileName)) }

    var dictionaries = Domain.allCases.map { _ in ByteDictionary() }
    var warnings: [String] = []

    func parse(_ schema: TableSchema, optional: Bool = false) throws(LoadError) -> ParsedTable? {
      let file: MappedFile
      do throws(MappedFile.OpenFailure) {
        file = try MappedFile(path: path(schema))
      } catch {
        switch error {
        case .notFound:
          if optional { return nil }
          throw .missingFile(file: path(schema))
        case .failed(let reason):
          throw .io(file: path(schema), reason: reason)
        }
      }
      let table = try TableParser.parse(
        schema, path: path(schema), file: file, dictionaries: &dictionaries,
        chunkThreshold: chunkThreshold)
      warnings += table.notes
      return table
    }

    // Influencers first: their ids take codes 0..<n of the influencer domain.
    guard let influencers = try parse(.influencers) else {
      throw .missingFile(file: path(.influencers))
    }
    let influencerCount = influencers.rowCount
    let products = try parse(.products, optional: true)
    let productBrands = try products.map { table throws(LoadError) in
      try brandMap(table, dictionaries: dictionaries)
    }

    guard let posts = try parse(.posts) else { throw .missingFile(file: path(.posts)) }
    warnings += unknownInfluencerNote(
      posts, influencerCount: influencerCount, dictionaries: dictionaries)

    guard var tracking = try parse(.tracking) else { throw .missingFile(file: path(.tracking)) }
    if tracking.column("brand") == nil {
      warnings += deriveBrand(&tracking, productBrands: productBrands, dictionaries: dictionaries)
    }
    warnings += unknownInfluencerNote(
      tracking, influencerCount: influencerCount, dictionaries: dictionaries)

    guard let payouts = try parse(.payouts) else { throw .missingFile(file: path(.payouts)) }
    warnings += unknownInfluencerNote(
      payouts, influencerCount: influencerCount, dictionaries: dictionaries)

    let storeOrders = try parse(.storeOrders, optional: true)

    // Every column of a domain gets the final, complete dictionary. Dimension values compare
    // case-insensitively (SPEC §3), so spellings of one value differing only in case or
    // surrounding spaces become one value; ids and names keep their bytes.
    var folded = Set([Domain.platform, .campaign, .brand, .product, .source].map(\.rawValue))
    for column in influencers.columns where ["category", "gender"].contains(column.name) {
      folded.insert(column.dictionary)
    }
    var finished: [StringDictionary] = []
    var remaps: [ContiguousArray<Int32>?] = []
    for (i, d) in dictionaries.enumerated() {
      let (dictionary, remap) = finish(d, foldingCase: folded.contains(i))
      finished.append(dictionary)
      remaps.append(remap)
    }
    if let remap = remaps[Domain.influencer.rawValue] {
      // Two ids that differ in bytes but are equal as strings (NFC and NFD spellings).
      for r in 0..<influencerCount where Int(remap[r]) != r {
        let id = dictionaries[Domain.influencer.rawValue].string(Int32(r))
        throw .duplicateInfluencer(
          file: influencers.path, line: influencers.lines[r], id: id,
          firstLine: influencers.lines[Int(remap[r])])
      }
    }
    let data = DataSet(
      folder: folder,
      influencers: makeTable(influencers, finished, remaps),
      posts: makeTable(posts, finished, remaps),
      tracking: makeTable(tracking, finished, remaps),
      payouts: makeTable(payouts, finished, remaps),
      products: products.map { makeTable($0, finished, remaps) },
      storeOrders: storeOrders.map { makeTable($0, finished, remaps) },
      warnings: warnings)
    try data.checkColumnTotals()
    return data
  }

  /// The `StringDictionary` of a byte dictionary, and a code map when the two disagree.
  ///
  /// Values are distinct as bytes, but `String` equality is canonical equivalence: an NFC and an
  /// NFD spelling of "Zoë" are one `StringDictionary` value (the first spelling seen), so later
  /// codes shift and the map is returned.
  /// - Complexity: O(*n*) in the distinct values (one `String` and one hash each).
  ///
  /// With `foldingCase`, values equal but for letter case and surrounding spaces and tabs are one
  /// value too, spelt as the first seen (trimmed): `MuscleBlaze`, `muscleblaze` and
  /// ` MuscleBlaze ` group as `MuscleBlaze`.
  ///
  /// Invisible characters at either end of a value (a byte-order mark, zero-width space or
  /// joiner, which a second export joined on or a paste leaves) are dropped, so
  /// `\u{FEFF}youtube.com` is `youtube.com` and not an invisible second group; an id so
  /// written is that id. They are stripped rather than warned about: they carry no meaning at
  /// the ends, and doing it here costs one check per distinct value (none for ASCII values).
  private static func finish(_ dictionary: ByteDictionary, foldingCase: Bool = false) -> (
    StringDictionary, ContiguousArray<Int32>?
  ) {
    let strings =
      dictionary.isASCII ? dictionary.strings() : dictionary.strings().map(\.trimmingInvisibles)
    if foldingCase {
      var codeOfKey: [String: Int32] = [:]
      var values: [String] = []
      var remap = ContiguousArray<Int32>()
      remap.reserveCapacity(strings.count)
      for s in strings {
        let value = s.trimmingSpacesAndInvisibles
        let key = folded(s)
        if let code = codeOfKey[key] {
          remap.append(code)
        } else {
          let code = Int32(values.count)
          codeOfKey[key] = code
          values.append(value)
          remap.append(code)
        }
      }
      let identity = values.count == strings.count && zip(values, strings).allSatisfy { $0 == $1 }
      return (StringDictionary(distinct: values), identity ? nil : remap)
    }
    // ASCII values distinct as bytes are distinct as Strings: no table needed now.
    if dictionary.isASCII {
      return (StringDictionary(distinct: strings), nil)
    }
    let finished = StringDictionary(strings)
    guard finished.count != strings.count else { return (finished, nil) }
    return (finished, ContiguousArray(strings.map { finished.code(of: $0) ?? 0 }))
  }

  /// product code → brand code from `products.csv`; a product given two brands is an error.
  private static func brandMap(
    _ products: ParsedTable, dictionaries: [ByteDictionary]
  ) throws(LoadError) -> [Int32: (brand: Int32, row: Int)] {
    guard let product = products.column("product"), let brand = products.column("brand") else {
      return [:]
    }
    // Products and brands compare as they will group: case folded, trimmed (`Whey, MB` and
    // `whey, mb` agree; `Whey, MB` and `whey, HKV` conflict).
    let productNames = dictionaries[Domain.product.rawValue]
    let brandNames = dictionaries[Domain.brand.rawValue]
    var map: [Int32: (brand: Int32, row: Int)] = [:]
    var brandOfFolded: [String: (brand: String, row: Int)] = [:]
    for r in 0..<products.rowCount {
      let p = product.codes[r]
      let b = brand.codes[r]
      let key = folded(productNames.string(p))
      let brandKey = folded(brandNames.string(b))
      if let first = brandOfFolded[key] {
        if first.brand != brandKey {
          throw .conflictingProduct(
            file: products.path, line: products.lines[r], product: productNames.string(p),
            firstLine: products.lines[first.row])
        }
      } else {
        brandOfFolded[key] = (brandKey, r)
      }
      if map[p] == nil { map[p] = (b, r) }
    }
    return map
  }

  /// Adds a `brand` column to tracking data that lacks one, from `products.csv` when present.
  private static func deriveBrand(
    _ tracking: inout ParsedTable, productBrands: [Int32: (brand: Int32, row: Int)]?,
    dictionaries: [ByteDictionary]
  ) -> [String] {
    let file = tracking.schema.fileName
    var brand = ColumnBuilder(
      name: "brand", kind: .shared(.brand), field: Int.max, dictionary: Domain.brand.rawValue)
    guard let productBrands, let product = tracking.column("product") else {
      let unknown =
        tracking.rowCount > 0 ? dictionaries[Domain.brand.rawValue].intern(unknownBrand) : 0
      brand.codes = ContiguousArray(repeating: unknown, count: tracking.rowCount)
      tracking.columns.append(brand)
      return [
        "\(file): no 'brand' column and no products.csv; brand is '\(unknownBrand)' for every row"
      ]
    }
    var notes = ["\(file): no 'brand' column; brand looked up from products.csv by product"]
    var unknownCode: Int32?
    var missingRows = 0
    var examples: [Int32] = []
    brand.codes.reserveCapacity(tracking.rowCount)
    // Dense lookup by product code.
    let productCount = dictionaries[Domain.product.rawValue].count
    var dense = ContiguousArray<Int32>(repeating: -1, count: productCount)
    for (p, b) in productBrands where Int(p) < productCount { dense[Int(p)] = b.brand }
    // Product values compare case-insensitively (SPEC §3): `whey gold` in tracking data finds
    // `Whey Gold` in products.csv. Only products without an exact entry are looked up so.
    if dense.contains(-1) {
      var folded: [String: Int32] = [:]
      for (p, b) in productBrands.sorted(by: { $0.value.row < $1.value.row }) {
        let key = Self.folded(dictionaries[Domain.product.rawValue].string(p))
        if folded[key] == nil { folded[key] = b.brand }
      }
      var used = ContiguousArray<Bool>(repeating: false, count: productCount)
      for p in product.codes where Int(p) < productCount { used[Int(p)] = true }
      for p in 0..<productCount where dense[p] < 0 && used[p] {
        if let b = folded[Self.folded(dictionaries[Domain.product.rawValue].string(Int32(p)))] {
          dense[p] = b
        }
      }
    }
    for p in product.codes {
      let b = dense[Int(p)]
      if b >= 0 {
        brand.codes.append(b)
      } else {
        if unknownCode == nil {
          unknownCode = dictionaries[Domain.brand.rawValue].intern(unknownBrand)
        }
        brand.codes.append(unknownCode ?? 0)
        missingRows += 1
        if examples.count < 3 && !examples.contains(p) { examples.append(p) }
      }
    }
    tracking.columns.append(brand)
    if missingRows > 0 {
      let names = examples.map { "\"\(dictionaries[Domain.product.rawValue].string($0))\"" }
      notes.append(
        "\(file): \(missingRows) row\(missingRows == 1 ? " has a product" : "s have products") not in products.csv (e.g. \(names.joined(separator: ", "))); brand set to '\(unknownBrand)'"
      )
    }
    return notes
  }

  /// A dimension value as values compare (SPEC §3).
  ///
  /// It is case folded, with surrounding spaces and tabs trimmed. Products in products.csv
  /// and tracking rows meet so, and values group so.
  static func folded(_ name: String) -> String {
    name.trimmingSpacesAndInvisibles.lowercased()
  }

  /// The once-per-table note about rows whose influencer id is not in influencers.csv.
  private static func unknownInfluencerNote(
    _ table: ParsedTable, influencerCount: Int, dictionaries: [ByteDictionary]
  ) -> [String] {
    guard let column = table.column("influencer_id") else { return [] }
    let n = Int32(clamping: influencerCount)
    var rows = 0
    var examples: [Int32] = []
    // An id with an invisible character at an end is that id (`finish` strips it): known.
    let idDictionary = dictionaries[Domain.influencer.rawValue]
    var isUnknown: [Int32: Bool] = [:]
    func unknown(_ c: Int32) -> Bool {
      if idDictionary.isASCII { return true }
      if let u = isUnknown[c] { return u }
      var trimmed = idDictionary.string(c).trimmingInvisibles
      let code = trimmed.withUTF8 { buffer in
        buffer.baseAddress.flatMap { idDictionary.code(of: $0, buffer.count) }
      }
      let u = code.map { $0 >= n } ?? true
      isUnknown[c] = u
      return u
    }
    for c in column.codes where c >= n && unknown(c) {
      rows += 1
      if examples.count < 3 && !examples.contains(c) { examples.append(c) }
    }
    guard rows > 0 else { return [] }
    let ids = examples.map { dictionaries[Domain.influencer.rawValue].string($0) }.joined(
      separator: ", ")
    let file = table.schema.fileName
    if rows == 1 {
      return [
        "\(file): 1 row references an influencer id not in influencers.csv (\(ids)); kept, labelled as unknown"
      ]
    }
    return [
      "\(file): \(rows) rows reference influencer ids not in influencers.csv (e.g. \(ids)); kept, labelled as unknown"
    ]
  }

  /// The public `Table` of a parsed file, its string columns holding the finished dictionaries.
  private static func makeTable(
    _ parsed: ParsedTable, _ dictionaries: [StringDictionary], _ remaps: [ContiguousArray<Int32>?]
  ) -> Table {
    var columns: [String: Column] = [:]
    for b in parsed.columns {
      switch b.kind {
      case .key, .shared, .local, .choice:
        var codes = b.codes
        if let remap = remaps[b.dictionary] {
          remap.withUnsafeBufferPointer { m in
            codes.withUnsafeMutableBufferPointer { c in
              for i in c.indices { c[i] = m[Int(c[i])] }
            }
          }
        }
        columns[b.name] = .string(codes: codes, dictionary: dictionaries[b.dictionary])
      case .text:
        columns[b.name] = .text(
          TextColumn(
            file: TextFileRows(
              path: parsed.path, field: b.field, width: parsed.width, size: parsed.fileSize,
              modified: parsed.modified, rowCount: parsed.rowCount, anchorRows: parsed.anchorRows,
              anchorOffsets: parsed.anchorOffsets)))
      case .integer: columns[b.name] = .integer(b.numbers)
      case .money: columns[b.name] = .money(b.numbers)
      case .decimal: columns[b.name] = .decimal(b.numbers)
      case .date: columns[b.name] = .date(b.days)
      }
    }
    return Table(
      name: parsed.schema.name, columnNames: parsed.columns.map(\.name), columns: columns,
      rowCount: parsed.rowCount, path: parsed.path)
  }
}
