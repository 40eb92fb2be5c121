import CQPostgres
import CQTestSupport
import Foundation
import Testing
