import Foundation
import Testing
import FHIRCore

@Suite("FHIR primitive formats")
struct FHIRPrimitiveTests {
    @Test func ids() {
        #expect(FHIRPrimitive.isValidID("a"))
        #expect(FHIRPrimitive.isValidID("Patient-1.2"))
        #expect(FHIRPrimitive.isValidID(String(repeating: "x", count: 64)))
        #expect(!FHIRPrimitive.isValidID(String(repeating: "x", count: 65)))
        #expect(!FHIRPrimitive.isValidID(""))
        #expect(!FHIRPrimitive.isValidID("a b"))
        #expect(!FHIRPrimitive.isValidID("a_b"))
        #expect(!FHIRPrimitive.isValidID("a/b"))
        #expect(!FHIRPrimitive.isValidID("é"))
    }

    @Test func codes() {
        #expect(FHIRPrimitive.isValidCode("final"))
        #expect(FHIRPrimitive.isValidCode("a b c"))
        #expect(FHIRPrimitive.isValidCode("mm[Hg]"))
        #expect(!FHIRPrimitive.isValidCode(""))
        #expect(!FHIRPrimitive.isValidCode(" a"))
        #expect(!FHIRPrimitive.isValidCode("a "))
        #expect(!FHIRPrimitive.isValidCode("a  b"))
        #expect(!FHIRPrimitive.isValidCode("a\tb\n"))
    }

    @Test func urisOidsAndUuids() {
        #expect(FHIRPrimitive.isValidURI("http://loinc.org"))
        #expect(FHIRPrimitive.isValidURI("urn:oid:1.2.3|4.0"))
        #expect(!FHIRPrimitive.isValidURI("http://a b"))
        #expect(!FHIRPrimitive.isValidURI(""))
        #expect(FHIRPrimitive.isValidOID("urn:oid:2.16.840.1.113883.6.238"))
        #expect(FHIRPrimitive.isValidOID("urn:oid:1.0"))
        #expect(!FHIRPrimitive.isValidOID("urn:oid:3.1"))
        #expect(!FHIRPrimitive.isValidOID("urn:oid:1"))
        #expect(!FHIRPrimitive.isValidOID("urn:oid:1.02"))
        #expect(!FHIRPrimitive.isValidOID("urn:oid:1..2"))
        #expect(!FHIRPrimitive.isValidOID("urn:oid:1.2."))
        #expect(!FHIRPrimitive.isValidOID("1.2.3"))
        #expect(FHIRPrimitive.isValidUUID("urn:uuid:c757873d-ec9a-4326-a141-556f43239520"))
        #expect(!FHIRPrimitive.isValidUUID("urn:uuid:C757873D-EC9A-4326-A141-556F43239520"))
        #expect(!FHIRPrimitive.isValidUUID("c757873d-ec9a-4326-a141-556f43239520"))
        #expect(!FHIRPrimitive.isValidUUID("urn:uuid:c757873d-ec9a-4326-a141-556f4323952"))
        #expect(!FHIRPrimitive.isValidUUID("urn:uuid:c757873d_ec9a-4326-a141-556f43239520"))
    }

    @Test func stringsAndMarkdown() {
        #expect(FHIRPrimitive.isValidString("Zoë\tand\r\nmore"))
        #expect(!FHIRPrimitive.isValidString(""))
        #expect(!FHIRPrimitive.isValidString("a\u{0}b"))
        #expect(!FHIRPrimitive.isValidString("a\u{1B}b"))
        #expect(!FHIRPrimitive.isValidString(String(repeating: "a", count: FHIRPrimitive.maxStringBytes + 1)))
    }

    @Test func base64() {
        #expect(FHIRPrimitive.isValidBase64("SGVsbG8="))
        #expect(FHIRPrimitive.isValidBase64("SGVs bG8h\n"))
        #expect(FHIRPrimitive.isValidBase64("SGU="))
        #expect(FHIRPrimitive.isValidBase64("SA=="))
        #expect(!FHIRPrimitive.isValidBase64("SGVsbG8"))
        #expect(!FHIRPrimitive.isValidBase64("SG=sbG8="))
        #expect(!FHIRPrimitive.isValidBase64("S==="))
        #expect(!FHIRPrimitive.isValidBase64("SGVs*G8="))
        #expect(!FHIRPrimitive.isValidBase64(""))
    }

    @Test func integers() {
        #expect(FHIRPrimitive.isValidInteger("0"))
        #expect(FHIRPrimitive.isValidInteger("-2147483648"))
        #expect(FHIRPrimitive.isValidInteger("2147483647"))
        #expect(!FHIRPrimitive.isValidInteger("2147483648"))
        #expect(!FHIRPrimitive.isValidInteger("-2147483649"))
        #expect(!FHIRPrimitive.isValidInteger("1.0"))
        #expect(!FHIRPrimitive.isValidInteger("1e2"))
        #expect(!FHIRPrimitive.isValidInteger("01"))
        #expect(!FHIRPrimitive.isValidInteger("99999999999999999999999"))
        #expect(FHIRPrimitive.isValidPositiveInt("1"))
        #expect(!FHIRPrimitive.isValidPositiveInt("0"))
        #expect(!FHIRPrimitive.isValidPositiveInt("-1"))
        #expect(FHIRPrimitive.isValidUnsignedInt("0"))
        #expect(!FHIRPrimitive.isValidUnsignedInt("-1"))
        #expect(FHIRPrimitive.isValidDecimal("-0.0"))
        #expect(FHIRPrimitive.isValidDecimal("1.50e-3"))
        #expect(!FHIRPrimitive.isValidDecimal("1."))
        #expect(!FHIRPrimitive.isValidDecimal("01.5"))
        #expect(!FHIRPrimitive.isValidDecimal("abc"))
    }

    @Test func primitiveTypesCheckJSONKindAndFormat() {
        #expect(FHIRPrimitiveType.boolean.problem(with: .bool(true)) == nil)
        #expect(FHIRPrimitiveType.boolean.problem(with: .string("true")) != nil)
        #expect(FHIRPrimitiveType.integer.problem(with: .number("3")) == nil)
        #expect(FHIRPrimitiveType.integer.problem(with: .string("3")) != nil)
        #expect(FHIRPrimitiveType.decimal.problem(with: .number("3.10")) == nil)
        #expect(FHIRPrimitiveType.date.problem(with: .string("2015-02-30"))?.contains("not a valid date") == true)
        #expect(FHIRPrimitiveType.string.problem(with: .string("")) == "must not be an empty string")
        #expect(FHIRPrimitiveType.code.problem(with: .array([])) == "must be a JSON string, not an array")
        #expect(FHIRPrimitiveType.xhtml.problem(with: .string("<div xmlns=\"http://www.w3.org/1999/xhtml\">x</div>")) == nil)
        #expect(FHIRPrimitiveType.xhtml.problem(with: .string("<p>x</p>")) != nil)
        #expect(FHIRPrimitiveType(named: "DateTime") == .dateTime)
        #expect(FHIRPrimitiveType(named: "base64Binary") == .base64Binary)
        #expect(FHIRPrimitiveType(named: "Base64Binary") == .base64Binary)
        #expect(FHIRPrimitiveType(named: "Quantity") == nil)
    }
}

@Suite("FHIR dates and times")
struct FHIRDateTimeTests {
    static func utc(_ text: String) -> Date {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.date(from: text) ?? ISO8601DateFormatter().date(from: text)!
    }

    @Test func datesHavePrecisionAndBounds() throws {
        let year = try #require(FHIRDate("2015"))
        #expect(year.precision == .year)
        #expect(year.lowerBound == Self.utc("2015-01-01T00:00:00Z"))
        #expect(year.upperBound == Self.utc("2016-01-01T00:00:00Z"))
        let month = try #require(FHIRDate("2015-12"))
        #expect(month.precision == .month)
        #expect(month.month == 12 && month.day == nil)
        #expect(month.upperBound == Self.utc("2016-01-01T00:00:00Z"))
        let day = try #require(FHIRDate("2016-02-29"))
        #expect(day.precision == .day)
        #expect(day.lowerBound == Self.utc("2016-02-29T00:00:00Z"))
        #expect(day.upperBound == Self.utc("2016-03-01T00:00:00Z"))
    }

    @Test(arguments: ["2015-02-29", "1900-02-29", "2015-02-30", "2015-04-31", "2015-13-01", "2015-00-10", "2015-01-00",
                      "0000", "15", "2015-1-1", "2015-01-01T10:00:00Z", "2015-01-01 ", "", "20150101", "2015/01/01"])
    func invalidDates(_ text: String) {
        #expect(FHIRDate(text) == nil)
    }

    @Test(arguments: ["2000-02-29", "2024-02-29", "0001-01-01", "9999-12-31"])
    func validDates(_ text: String) {
        #expect(FHIRDate(text) != nil)
    }

    @Test func dateTimesWithTimeZones() throws {
        let dt = try #require(FHIRDateTime("2015-02-07T13:28:17-05:00"))
        #expect(dt.precision == .second)
        #expect(dt.timeZoneOffset == -5 * 3600)
        #expect(dt.lowerBound == Self.utc("2015-02-07T18:28:17Z"))
        #expect(dt.upperBound == Self.utc("2015-02-07T18:28:18Z"))
        let fraction = try #require(FHIRDateTime("2015-02-07T13:28:17.239+14:00"))
        #expect(fraction.precision == .fraction)
        #expect(fraction.fractionDigits == 3)
        #expect(abs(fraction.lowerBound.timeIntervalSince(Self.utc("2015-02-06T23:28:17.239Z"))) < 1e-6)
        #expect(abs(fraction.upperBound.timeIntervalSince(fraction.lowerBound) - 0.001) < 1e-6)
        let dayOnly = try #require(FHIRDateTime("2015-02-07"))
        #expect(dayOnly.precision == .day)
        #expect(dayOnly.timeZoneOffset == nil)
        #expect(FHIRDateTime("2015")?.precision == .year)
        #expect(FHIRDateTime("2015-02-07T23:59:60Z") != nil)
        #expect(FHIRDateTime("2015-02-07T13:28:17-00:00")?.timeZoneOffset == 0)
    }

    @Test(arguments: ["2015-02-07T24:00:00Z", "2015-02-07T13:28:17", "2015-02-07T13:28Z", "2015-02-07T13:28:17+15:00",
                      "2015-02-07T13:28:17+14:30", "2015-02-07T13:28:17+05", "2015-02-07T13:28:17.Z", "2015-02-07T13:60:00Z",
                      "2015-02-07T13:28:61Z", "2015-02-30T10:00:00Z", "2015-02-07T", "2015-02-07t13:28:17Z", "2015-02-07T13:28:17z"])
    func invalidDateTimes(_ text: String) {
        #expect(FHIRDateTime(text) == nil)
    }

    @Test func instants() throws {
        let instant = try #require(FHIRInstant("2015-02-07T13:28:17.239+02:00"))
        #expect(instant.precision == .fraction)
        #expect(instant.timeZoneOffset == 7200)
        #expect(abs(instant.date.timeIntervalSince(Self.utc("2015-02-07T11:28:17.239Z"))) < 1e-6)
        #expect(FHIRInstant("2015-02-07T13:28:17Z")?.precision == .second)
        #expect(FHIRInstant("2015-02-07T13:28:17") == nil)
        #expect(FHIRInstant("2015-02-07") == nil)
        #expect(FHIRInstant("2015") == nil)
    }

    @Test func formatsInstantsWithMicrosecondsInUTC() throws {
        let date = Self.utc("2026-11-22T03:11:58.123Z").addingTimeInterval(0.000456)
        #expect(FHIRInstant.format(date) == "2026-11-22T03:11:58.123456Z")
        #expect(FHIRInstant.format(Date(timeIntervalSince1970: 0)) == "1970-01-01T00:00:00.000000Z")
        #expect(FHIRInstant.format(Date(timeIntervalSince1970: -0.5)) == "1969-12-31T23:59:59.500000Z")
        #expect(FHIRInstant.format(Self.utc("2024-02-29T23:59:59Z")) == "2024-02-29T23:59:59.000000Z")
        let formatted = FHIRInstant.format(date)
        let parsed = try #require(FHIRInstant(formatted))
        #expect(abs(parsed.date.timeIntervalSince(date)) < 1e-6)
    }

    @Test func times() throws {
        let time = try #require(FHIRTime("13:28:17.5"))
        #expect(time.precision == .fraction)
        #expect(time.hour == 13 && time.minute == 28 && time.second == 17)
        let expected: Double = 13 * 3600 + 28 * 60 + 17.5
        #expect(time.secondsSinceMidnight == expected)
        #expect(FHIRTime("00:00:00")?.precision == .second)
        #expect(FHIRTime("24:00:00") == nil)
        #expect(FHIRTime("13:28") == nil)
        #expect(FHIRTime("13:28:17Z") == nil)
        #expect(FHIRTime("1:28:17") == nil)
    }

    @Test func decimalsKeepTextAndImpliedPrecision() throws {
        let d = try #require(FHIRDecimal("1.50"))
        #expect(d.exponent == -2)
        #expect(d.lowerBound == Decimal(string: "1.495"))
        #expect(d.upperBound == Decimal(string: "1.505"))
        #expect(FHIRDecimal("100")?.lowerBound == Decimal(string: "99.5"))
        #expect(FHIRDecimal("1e3")?.exponent == 3)
        #expect(FHIRDecimal("1.5e3")?.exponent == 2)
        #expect(FHIRDecimal("abc") == nil)
        #expect(FHIRDecimal(JSON.number("-0.0"))?.text == "-0.0")
    }

    @Test func httpDates() throws {
        let date = Self.utc("1994-11-06T08:49:37Z")
        #expect(HTTPDate.format(date) == "Sun, 06 Nov 1994 08:49:37 GMT")
        #expect(HTTPDate.format(date.addingTimeInterval(0.9)) == "Sun, 06 Nov 1994 08:49:37 GMT")
        #expect(HTTPDate.format(Self.utc("2024-02-29T00:00:00Z")) == "Thu, 29 Feb 2024 00:00:00 GMT")
        #expect(HTTPDate.parse("Sun, 06 Nov 1994 08:49:37 GMT") == date)
        #expect(HTTPDate.parse("Sunday, 06-Nov-94 08:49:37 GMT") == date)
        #expect(HTTPDate.parse("Sun Nov  6 08:49:37 1994") == date)
        #expect(HTTPDate.parse("Sun, 31 Feb 1994 08:49:37 GMT") == nil)
        #expect(HTTPDate.parse("Sun, 06 Nov 1994 24:49:37 GMT") == nil)
        #expect(HTTPDate.parse("Sun, 06 Nov 1994 08:49:37 UTC") == nil)
        #expect(HTTPDate.parse("yesterday") == nil)
        let now = Date(timeIntervalSince1970: Date().timeIntervalSince1970.rounded(.down))
        #expect(HTTPDate.parse(HTTPDate.format(now)) == now)
    }
}
