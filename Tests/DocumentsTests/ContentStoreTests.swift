import Documents
import Foundation
import Testing

@Suite("Content store")
struct ContentStoreTests {
    static func withStore(_ body: (ContentStore) async throws -> Void) async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("content-\(UUID().uuidString)").path
        let store = ContentStore(directory: dir)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try await body(store)
    }

    @Test func contentIsStoredAtItsSHA256AddressWithItsSHA1() async throws {
        try await Self.withStore { store in
            let stored = try store.store(Array("hello".utf8))
            // SHA-256 and SHA-1 of "hello".
            #expect(stored.sha256 == "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824")
            #expect(stored.sha1Base64 == "qvTGHdzF6KLavt4PO0gs2a6pQ00=")
            #expect(stored.size == 5)
            #expect(stored.isNew)
            #expect(FileManager.default.fileExists(atPath: store.directory + "/2c/" + stored.sha256))
            #expect(try await store.bytes(stored.sha256) == Array("hello".utf8))
        }
    }

    @Test func sameBytesAreStoredOnce() async throws {
        try await Self.withStore { store in
            let a = try store.store([1, 2, 3])
            let b = try store.store([1, 2, 3])
            #expect(a.sha256 == b.sha256)
            #expect(a.isNew && !b.isNew)
            store.release(a, keep: true); store.release(b, keep: true)
            let files = try FileManager.default.contentsOfDirectory(atPath: store.directory + "/" + String(a.sha256.prefix(2)))
            #expect(files == [a.sha256])
        }
    }

    @Test func abandonedWriteLeavesNoFileUnlessAnotherWriteKeptTheSameBytes() async throws {
        try await Self.withStore { store in
            let alone = try store.store([9, 9])
            store.release(alone, keep: false)
            #expect(!store.contains(alone.sha256))
            let first = try store.store([7])
            let second = try store.store([7])
            store.release(second, keep: true)
            store.release(first, keep: false)
            #expect(store.contains(first.sha256), "a kept write holds the file")
        }
    }

    @Test func uploadPastTheLimitIsRefusedAndRemoved() async throws {
        try await Self.withStore { store in
            let upload = try store.beginUpload(limit: 10)
            #expect(throws: ContentError.tooLarge(limit: 10)) {
                try [UInt8](repeating: 1, count: 11).withUnsafeBytes { try upload.write($0) }
            }
            #expect(try FileManager.default.contentsOfDirectory(atPath: store.directory + "/tmp").isEmpty)
        }
    }

    @Test func streamedUploadIsReadBackByRanges() async throws {
        try await Self.withStore { store in
            let bytes = (0..<100_000).map { UInt8(truncatingIfNeeded: $0 * 7) }
            let upload = try store.beginUpload(limit: 1 << 20)
            try await upload.write(from: InMemoryContent(bytes, chunkSize: 4_096))
            let stored = try store.commit(upload)
            #expect(stored.size == 100_000)
            var part: [UInt8] = []
            try await store.read(stored.sha256, offset: 1_000, length: 50_000, chunkSize: 8_192) { part += $0 }
            #expect(part == Array(bytes[1_000..<51_000]))
        }
    }
}

@Suite("Byte ranges")
struct ByteRangeTests {
    @Test func rangesAreResolvedAgainstTheSize() {
        #expect(ByteRange.parse(nil, size: 100) == .whole)
        #expect(ByteRange.parse("bytes=0-9", size: 100) == .partial(ByteRange(first: 0, last: 9)))
        #expect(ByteRange.parse("bytes=90-", size: 100) == .partial(ByteRange(first: 90, last: 99)))
        #expect(ByteRange.parse("bytes=90-500", size: 100) == .partial(ByteRange(first: 90, last: 99)))
        #expect(ByteRange.parse("bytes=-10", size: 100) == .partial(ByteRange(first: 90, last: 99)))
        #expect(ByteRange.parse("bytes=-500", size: 100) == .partial(ByteRange(first: 0, last: 99)))
        #expect(ByteRange.parse("bytes=100-", size: 100) == .unsatisfiable)
        #expect(ByteRange.parse("bytes=-0", size: 100) == .unsatisfiable)
        #expect(ByteRange.parse("bytes=5-1", size: 100) == .whole)
        #expect(ByteRange.parse("bytes=0-1,5-6", size: 100) == .whole)
        #expect(ByteRange.parse("items=0-1", size: 100) == .whole)
        #expect(ByteRange(first: 10, last: 19).contentRange(size: 100) == "bytes 10-19/100")
    }
}
