import Audit
import Foundation
import Testing

/// New AuditEvent ids are RFC 9562 version-7 UUIDs: unique, and ordered by the time they were made for.
@Suite struct AuditEventIDTests {
    @Test func idsAreVersion7UUIDsThatSortByTime() throws {
        let start = Date(timeIntervalSince1970: 1_795_000_000)
        let ids = (0..<200).map { AuditEventID.make(at: start.addingTimeInterval(Double($0) * 0.002)) }
        #expect(Set(ids).count == ids.count)
        #expect(ids == ids.sorted())
        for id in ids {
            let uuid = try #require(UUID(uuidString: id))
            #expect(id == uuid.uuidString.lowercased())
            let bytes = withUnsafeBytes(of: uuid.uuid) { Array($0) }
            #expect(bytes[6] >> 4 == 7, "version 7")
            #expect(bytes[8] >> 6 == 0b10, "RFC 9562 variant")
        }
        // The first 48 bits are the Unix time in milliseconds.
        let first = try #require(UUID(uuidString: ids[0]))
        let milliseconds = withUnsafeBytes(of: first.uuid) { $0.prefix(6).reduce(UInt64(0)) { $0 << 8 | UInt64($1) } }
        #expect(milliseconds == 1_795_000_000_000)
    }

    @Test func aRecordWithoutAnIDGetsOneFromItsRecordingTime() {
        let at = Date(timeIntervalSince1970: 1_795_000_000.5)
        let record = AuditRecord(recorded: at, interaction: .read, agent: AuditAgent(who: "Patient/p"),
                                 source: AuditSource(name: "Dossier", baseURL: "http://localhost/fhir"))
        #expect(record.id.hasPrefix("01a1ee56-5ff4-7"))
        #expect(record.id < AuditEventID.make(at: at.addingTimeInterval(1)))
    }
}
