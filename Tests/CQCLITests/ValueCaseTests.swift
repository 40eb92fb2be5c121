import CQTestSupport
import Foundation
import Testing

/// Dimension values compare case-insensitively (SPEC §3): spellings that differ only in case or
/// surrounding spaces are one value when grouping and when payouts meet tracking rows, exactly
/// as they are one value in `where`.
@Suite struct ValueCaseTests {
  static func folder() throws -> ScratchFolder {
    let dir = try ScratchFolder()
    try dir.write(
      """
      id,name,category,gender,follower_count,platform
      1,Ravi,Fitness,male,12000,Instagram
      2,RAVI,fitness ,Male,40000,instagram
      3,Asha,Food,female,900000,YouTube

      """, to: "influencers.csv")
    try dir.write(
      """
      influencer_id,platform,date,url,caption,reach,likes,comments,campaign
      1,Instagram,2025-05-01,u1,hi,1000,50,5,C1
      2,instagram,2025-05-02,u2,hi,2000,80,8,c1
      3,YouTube,2025-05-03,u3,hi,3000,90,9,C2

      """, to: "posts.csv")
    try dir.write(
      """
      source,campaign,influencer_id,user_id,product,brand,date,orders,revenue
      instagram.com,c1,1,u1,Whey,MB,2025-05-01,1,10.00
      instagram.com,C1,2,u2,Whey,mb,2025-05-02,2,20.00
      Instagram.com,C2,3,u3,Gummies, HKV ,2025-05-03,3,30.00

      """, to: "tracking_data.csv")
    try dir.write(
      """
      influencer_id,campaign,basis,rate,orders,total_payout,posts,status
      1,C1,post,10.00,0,10.00,1,paid
      2,c1,post,4.00,0,4.00,1,paid
      3,C2,post,6.00,0,6.00,1,pending

      """, to: "payouts.csv")
    return dir
  }

  @Test func spellingsDifferingInCaseAreOneValue() throws {
    let dir = try Self.folder()
    func csv(_ statement: String) throws -> String {
      let run = try cq(["--format", "csv", "-c", statement], data: dir.path)
      #expect(run.status == 0, "\(statement): \(run.stderr)")
      return run.stdout
    }
    // Payout C1 meets tracking rows spelt c1: no spend is left unattributed.
    #expect(
      try csv("revenue, payout, roas by campaign")
        == "campaign,revenue,payout,roas\nC1,30.00,14.00,2.142857142857143\nC2,30.00,6.00,5\n")
    #expect(try csv("payout by brand") == "brand,payout\nMB,14.00\nHKV,6.00\n")
    #expect(try csv("revenue by brand where brand = mb") == "brand,revenue\nMB,30.00\n")
    #expect(try csv("revenue by source") == "source,revenue\ninstagram.com,60.00\n")
    #expect(
      try csv("posts by category, platform")
        == "category,platform,posts\nFitness,Instagram,2\nFood,YouTube,1\n")
    #expect(try csv("influencers by gender") == "gender,influencers\nmale,2\nfemale,1\n")
    // Names and ids keep their spelling: two influencers, labelled as written.
    #expect(
      try csv("revenue by influencer") == "influencer,revenue\nAsha,30.00\nRAVI,20.00\nRavi,10.00\n"
    )
  }

  /// products.csv entries meet as values group: `Whey,MB` and ` whey ,mb` agree (one product,
  /// one brand); `whey,HKV` after `Whey,MB` gives one product two brands, which is an error.
  @Test func productsCsvComparesFoldedNamesAndBrands() throws {
    let dir = try Self.folder()
    try dir.write(
      """
      source,campaign,influencer_id,user_id,product,date,orders,revenue
      instagram.com,C1,1,u1,WHEY,2025-05-01,1,10.00
      instagram.com,C1,2,u2,Gummies,2025-05-02,2,20.00

      """, to: "tracking_data.csv")
    try dir.write("product,brand\nWhey,MB\n whey ,mb\nGummies,HKV\n", to: "products.csv")
    let run = try cq(["--format", "csv", "-c", "revenue by brand"], data: dir.path)
    #expect(run.status == 0, "\(run.stderr)")
    #expect(run.stdout == "brand,revenue\nHKV,20.00\nMB,10.00\n")

    try dir.write("product,brand\nWhey,MB\nwhey,HKV\n", to: "products.csv")
    let conflict = try cq(["-c", "revenue by brand"], data: dir.path)
    #expect(conflict.status == 4)
    #expect(conflict.stderr.contains("products.csv:3:"), "\(conflict.stderr)")
  }
}
