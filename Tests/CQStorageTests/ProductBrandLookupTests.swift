import Foundation
import Testing

@testable import CQStorage

/// Tracking data without a `brand` column takes it from products.csv (SPEC §1); product
/// values compare case-insensitively there as everywhere (SPEC §3).
@Suite("DataLoader: brand looked up from products.csv")
struct ProductBrandLookupTests {
  @Test func productsMatchIgnoringCaseAndSpaces() throws {
    let tracking = """
      source,campaign,influencer_id,user_id,product,date,orders,revenue
      instagram.com,Campaign_1,1,user_1,raw whey protein,2025-06-01,2,1299.50
      youtube.com,Campaign_2,2,user_2,Raw Whey Protein,2025-06-03,1,499
      youtube.com,Campaign_2,2,user_2, RAW WHEY PROTEIN ,2025-06-03,1,499
      youtube.com,Campaign_2,2,user_3,Mystery Powder,2025-06-04,1,10

      """
    let folder = try Fixtures.folder(writing: ["tracking_data.csv": Array(tracking.utf8)])
    defer { Fixtures.remove(folder) }
    let data = try DataLoader.load(folder: folder)
    #expect(
      data.tracking.values("brand") == ["MuscleBlaze", "MuscleBlaze", "MuscleBlaze", "(unknown)"])
    #expect(
      data.warnings.contains(
        "tracking_data.csv: 1 row has a product not in products.csv (e.g. \"Mystery Powder\"); brand set to '(unknown)'"
      ), "\(data.warnings)")
  }
}
