import Store
import Testing

/// The one string normalisation: ASCII (byte-level path) and other text (Unicode folding) give the same forms.
@Suite struct SearchTextTests {
    @Test func asciiIsLowercasedAndWhitespaceCollapsed() {
        #expect(SearchText.normalize("  Anne\tMARIE \n Smith ") == "anne marie smith")
        #expect(SearchText.normalize("") == "")
        #expect(SearchText.normalize(" \t ") == "")
    }

    @Test func accentsAndWidthAreFoldedLikeTheirAsciiForms() {
        #expect(SearchText.normalize("  Élodie\u{00A0} ÜNAL ") == SearchText.normalize("elodie unal"))
        #expect(SearchText.normalize("Ｍａｒｔｉｎ") == "martin")
    }
}
