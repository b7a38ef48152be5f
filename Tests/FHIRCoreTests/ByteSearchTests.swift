import FHIRCore
import Testing

/// `contains(bytes:)` finds a byte sequence anywhere, including at both ends and after false starts.
@Suite struct ByteSearchTests {
    @Test(arguments: [
        ("hello world", "world", true), ("hello world", "hello", true), ("hello world", "o w", true),
        ("hello world", "worlds", false), ("aaab", "aab", true), ("abab", "abb", false), ("", "a", false),
        ("abc", "", true), ("abc", "abc", true), ("ab", "abc", false), ("xxurn:oid:1.2.250", "urn:oid:1.2.250", true),
    ])
    func findsASequenceOnlyWhereItIs(haystack: String, needle: String, expected: Bool) {
        #expect(Array(haystack.utf8).contains(bytes: Array(needle.utf8)) == expected)
    }
}
