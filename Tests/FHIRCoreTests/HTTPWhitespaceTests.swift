import FHIRCore
import Testing

/// `trimmingHTTPWhitespace` removes HTTP's optional whitespace (spaces and tabs) at both ends, nothing else.
@Suite struct HTTPWhitespaceTests {
    @Test(arguments: [
        ("  abc\t", "abc"), ("abc", "abc"), ("\t \t", ""), ("", ""), (" a b ", "a b"), ("\nabc\n", "\nabc\n"), (" é ", "é"),
    ])
    func trimsSpacesAndTabsAtBothEnds(input: String, expected: String) {
        #expect(input.trimmingHTTPWhitespace == expected)
        #expect(input[...].trimmingHTTPWhitespace == expected)
    }
}
