import Foundation
import GRDB
import Store

extension StoredResource {
    /// The columns of `resource r`, its version `v` and the patient key `p` of that version that ``init(row:)``
    /// decodes, in order (`seq` last).
    static let selection = "r.type, r.id, v.version, v.last_updated, v.method, v.content, p.key, v.seq"

    /// Decodes a row selected with ``selection``.
    init(row: Row) throws {
        let methodText: String = row[4]
        guard let method = WriteMethod(rawValue: methodText) else {
            throw StoreError.unavailable("unknown write method '\(methodText)' in resource_version")
        }
        let content = try row.withUnsafeData(atIndex: 5) { data in data.map { [UInt8]($0) } ?? [] }
        self.init(
            type: row[0], id: row[1], version: row[2],
            lastUpdated: Date(microsecondsSince1970: row[3]),
            method: method, content: content, patientKey: row[6])
    }
}
