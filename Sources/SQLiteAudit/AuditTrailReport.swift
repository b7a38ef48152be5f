import Audit
import Foundation

/// What `dossier audit verify` prints and how it exits, computed by a library function so that it can be tested
/// without spawning the binary.
public struct AuditTrailReport: Sendable, Hashable {
    /// The line to print.
    public var message: String
    /// `true` when the trail exists and is intact (exit status 0).
    public var isIntact: Bool
    /// The verification, when the database could be checked.
    public var verification: AuditVerification?

    /// A report.
    public init(message: String, isIntact: Bool, verification: AuditVerification?) {
        self.message = message
        self.isIntact = isIntact
        self.verification = verification
    }

    /// Verifies the audit database at `path`. A missing file is not intact (a deleted trail must not pass).
    public static func check(databasePath path: String) async throws -> AuditTrailReport {
        guard FileManager.default.fileExists(atPath: path) else {
            return AuditTrailReport(message: "no audit trail at \(path)", isIntact: false, verification: nil)
        }
        let log = try SQLiteAuditLog(path: path)
        let verification: AuditVerification
        do {
            verification = try await log.verify()
        } catch {
            try? await log.close()
            throw error
        }
        try await log.close()
        return AuditTrailReport(message: verification.summary, isIntact: verification.isIntact, verification: verification)
    }
}
