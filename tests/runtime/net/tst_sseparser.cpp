#include "net/sseparser.h"
#include "net/ssewriter.h"

#include <QTest>

using namespace ktx;

Q_DECLARE_METATYPE(QList<ktx::SseEvent>)

namespace {

SseEvent ev(QByteArray data, QByteArray type = {}, QByteArray id = {})
{
    SseEvent e;
    e.event = std::move(type);
    e.data = std::move(data);
    e.id = std::move(id);
    return e;
}

QByteArray describe(const QList<SseEvent> &events)
{
    QByteArray out;
    for (const SseEvent &e : events)
        out += "[event=" + e.event + " id=" + e.id + " data=" + e.data + "]";
    return out;
}

QList<SseEvent> parseInPieces(const QByteArray &input, const QList<qsizetype> &cuts)
{
    SseParser parser;
    QList<SseEvent> out;
    qsizetype from = 0;
    for (const qsizetype cut : cuts) {
        out += parser.feed(QByteArrayView(input).sliced(from, cut - from));
        from = cut;
    }
    out += parser.feed(QByteArrayView(input).sliced(from));
    return out;
}

} // namespace

class TestSseParser : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void parses_data()
    {
        QTest::addColumn<QByteArray>("input");
        QTest::addColumn<QList<SseEvent>>("expected");

        QTest::newRow("one event") << QByteArray("data: hello\n\n") << QList {ev("hello")};
        QTest::newRow("named event") << QByteArray("event: message_start\ndata: {\"a\":1}\n\n")
                                     << QList {ev("{\"a\":1}", "message_start")};
        QTest::newRow("crlf") << QByteArray("event: x\r\ndata: 1\r\n\r\ndata: 2\r\n\r\n")
                              << QList {ev("1", "x"), ev("2")};
        QTest::newRow("cr only") << QByteArray("data: 1\r\rdata: 2\r\r")
                                 << QList {ev("1"), ev("2")};
        QTest::newRow("mixed line ends")
            << QByteArray("data: a\r\ndata: b\rdata: c\n\r\n") << QList {ev("a\nb\nc")};
        QTest::newRow("multi-line data")
            << QByteArray("data: line one\ndata: line two\ndata:\ndata: four\n\n")
            << QList {ev("line one\nline two\n\nfour")};
        QTest::newRow("no space after colon") << QByteArray("data:x\n\n") << QList {ev("x")};
        QTest::newRow("only one space is stripped")
            << QByteArray("data:  two\n\n") << QList {ev(" two")};
        QTest::newRow("field without colon") << QByteArray("data\n\n") << QList {ev("")};
        QTest::newRow("comments ignored")
            << QByteArray(": keep-alive\n:\ndata: x\n: inside\n\n") << QList {ev("x")};
        QTest::newRow("comment-only block is no event")
            << QByteArray(": ping\n\n") << QList<SseEvent> {};
        QTest::newRow("event without data is dropped")
            << QByteArray("event: lonely\n\ndata: next\n\n") << QList {ev("next")};
        QTest::newRow("id persists") << QByteArray("id: 7\ndata: a\n\ndata: b\n\nid\ndata: c\n\n")
                                     << QList {ev("a", {}, "7"), ev("b", {}, "7"), ev("c", {}, {})};
        QTest::newRow("id with NUL ignored")
            << QByteArray("id: 1\ndata: a\n\nid: 2").append('\0').append("x\ndata: b\n\n")
            << QList {ev("a", {}, "1"), ev("b", {}, "1")};
        QTest::newRow("unknown fields ignored")
            << QByteArray("foo: bar\ndata: x\nevent\n\n") << QList {ev("x")};
        QTest::newRow("event type resets")
            << QByteArray("event: a\ndata: 1\n\ndata: 2\n\n") << QList {ev("1", "a"), ev("2")};
        QTest::newRow("bom stripped") << QByteArray("\xEF\xBB\xBF"
                                                    "data: x\n\n")
                                      << QList {ev("x")};
        QTest::newRow("unterminated event dropped")
            << QByteArray("data: done\n\ndata: partial\n") << QList {ev("done")};
        QTest::newRow("utf-8 payload") << QByteArray("data: Grüße ✓\n\n") << QList {ev("Grüße ✓")};
        QTest::newRow("colon in value") << QByteArray("data: a: b\n\n") << QList {ev("a: b")};
        QTest::newRow("anthropic-style")
            << QByteArray("event: content_block_delta\ndata: {\"type\":\"content_block_delta\","
                          "\"delta\":{\"text\":\"Hi\"}}\n\nevent: message_stop\ndata: "
                          "{\"type\":\"message_stop\"}\n\n")
            << QList {ev("{\"type\":\"content_block_delta\",\"delta\":{\"text\":\"Hi\"}}",
                         "content_block_delta"),
                      ev("{\"type\":\"message_stop\"}", "message_stop")};
    }

    void parses()
    {
        QFETCH(QByteArray, input);
        QFETCH(QList<SseEvent>, expected);

        // Whole.
        QCOMPARE(describe(parseInPieces(input, {})), describe(expected));
        // Split in two at every position.
        for (qsizetype cut = 0; cut <= input.size(); ++cut) {
            const QList<SseEvent> got = parseInPieces(input, {cut});
            if (got != expected)
                QFAIL(qPrintable(QStringLiteral("split at %1: %2")
                                     .arg(cut)
                                     .arg(QString::fromUtf8(describe(got)))));
        }
        // Split in three at every pair of positions.
        for (qsizetype a = 0; a <= input.size(); ++a) {
            for (qsizetype b = a; b <= input.size(); ++b) {
                if (parseInPieces(input, {a, b}) != expected)
                    QFAIL(qPrintable(QStringLiteral("split at %1 and %2").arg(a).arg(b)));
            }
        }
        // Byte by byte.
        QList<qsizetype> everyByte;
        for (qsizetype i = 1; i < input.size(); ++i)
            everyByte << i;
        QCOMPARE(describe(parseInPieces(input, everyByte)), describe(expected));
    }

    void retryIsRemembered()
    {
        SseParser parser;
        QCOMPARE(parser.retryMs(), -1);
        QVERIFY(parser.feed("retry: 1500\n\n").isEmpty());
        QCOMPARE(parser.retryMs(), 1500);
        parser.feed("retry: soon\n\n");
        QCOMPARE(parser.retryMs(), 1500);
        parser.feed("retry: 12a\nretry: -5\n\n");
        QCOMPARE(parser.retryMs(), 1500);
        parser.feed("id: 9\ndata: x\n\n");
        QCOMPARE(parser.lastEventId(), QByteArray("9"));
    }

    void crAtEndOfFeedThenLf()
    {
        // A CR closing one feed and an LF opening the next are one line end,
        // not an empty line (which would dispatch too early).
        SseParser parser;
        QVERIFY(parser.feed("data: a\r").isEmpty());
        QVERIFY(parser.feed("\ndata: b\r").isEmpty());
        const QList<SseEvent> out = parser.feed("\n\r\n");
        QCOMPARE(out.size(), 1);
        QCOMPARE(out.first().data, QByteArray("a\nb"));
    }

    void finishDropsPartialAndRestarts()
    {
        SseParser parser;
        QVERIFY(parser.feed("data: partial").isEmpty());
        parser.finish();
        const QList<SseEvent> out = parser.feed("\xEF\xBB\xBF"
                                                "data: fresh\n\n");
        QCOMPARE(out.size(), 1);
        QCOMPARE(out.first().data, QByteArray("fresh"));
    }

    void oversizedEventIsAnError()
    {
        SseParser parser(64);
        QVERIFY(!parser.hasError());
        parser.feed(QByteArray("data: " + QByteArray(100, 'x')));
        QVERIFY(parser.hasError());
        QVERIFY(parser.feed("\n\ndata: y\n\n").isEmpty());

        SseParser lines(64);
        for (int i = 0; i < 10; ++i)
            lines.feed("data: 0123456789\n");
        QVERIFY(lines.hasError());
    }

    void writerRoundTrips_data()
    {
        QTest::addColumn<QByteArray>("type");
        QTest::addColumn<QByteArray>("data");
        QTest::addColumn<QByteArray>("id");
        QTest::newRow("plain") << QByteArray("message") << QByteArray("{\"jsonrpc\":\"2.0\"}")
                               << QByteArray("1");
        QTest::newRow("empty data") << QByteArray() << QByteArray() << QByteArray();
        QTest::newRow("newlines") << QByteArray("x") << QByteArray("a\nb\r\nc\rd\n")
                                  << QByteArray();
        QTest::newRow("leading spaces")
            << QByteArray() << QByteArray("  indented\n line") << QByteArray("e-1");
        QTest::newRow("only newlines") << QByteArray() << QByteArray("\n\n") << QByteArray();
    }

    void writerRoundTrips()
    {
        QFETCH(QByteArray, type);
        QFETCH(QByteArray, data);
        QFETCH(QByteArray, id);
        SseEvent sent = ev(data, type, id);
        const QByteArray wire = SseWriter::encode(sent) + SseWriter::comment("keep-alive\nsecond")
            + SseWriter::encode("next", "after");
        SseParser parser;
        const QList<SseEvent> got = parser.feed(wire);
        QCOMPARE(got.size(), 2);
        // Line ends inside data normalise to '\n'.
        QByteArray normalised = data;
        normalised.replace("\r\n", "\n").replace('\r', '\n');
        QCOMPARE(got.at(0).event, type);
        QCOMPARE(got.at(0).data, normalised);
        QCOMPARE(got.at(0).id, id);
        QCOMPARE(got.at(1).event, QByteArray("next"));
        QCOMPARE(got.at(1).data, QByteArray("after"));
    }

    void writerKeepsNamesOnOneLine()
    {
        SseEvent e = ev("x", "evil\ndata: injected", "1\n\n");
        e.retryMs = 250;
        const QByteArray wire = SseWriter::encode(e);
        SseParser parser;
        const QList<SseEvent> got = parser.feed(wire);
        QCOMPARE(got.size(), 1);
        QCOMPARE(got.first().data, QByteArray("x"));
        QCOMPARE(parser.retryMs(), 250);
        QCOMPARE(SseWriter::comment("a"), QByteArray(": a\n"));
    }
};

QTEST_GUILESS_MAIN(TestSseParser)
#include "tst_sseparser.moc"
