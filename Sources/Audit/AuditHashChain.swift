import Crypto

/// The hash chain that makes the trail tamper-evident: each event's hash is
/// `SHA-256(previous hash || canonical bytes)`, the first event chaining from 32 zero bytes. The canonical bytes
/// are the compact serialisation of the rendered `AuditEvent` (``AuditRecord/auditEvent()``), stored as they are.
package enum AuditHashChain {
    /// What the first event chains from: 32 zero bytes.
    package static let genesis = [UInt8](repeating: 0, count: 32)

    /// `SHA-256(previous || bytes)`.
    package static func hash(previous: [UInt8], bytes: [UInt8]) -> [UInt8] {
        var hasher = SHA256()
        hasher.update(data: previous)
        hasher.update(data: bytes)
        return Array(hasher.finalize())
    }
}
