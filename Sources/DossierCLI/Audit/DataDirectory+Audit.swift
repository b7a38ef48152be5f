import Foundation
import SQLiteAudit

extension DataDirectory {
    /// The audit trail's database file inside the folder.
    var auditDatabasePath: String { (path as NSString).appendingPathComponent(SQLiteAuditLog.defaultFileName) }
}
