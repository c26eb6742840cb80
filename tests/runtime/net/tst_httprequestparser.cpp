#include "net/httprequestparser.h"

#include <QTest>

using namespace ktx;

namespace {

struct Parsed
{
    QList<HttpRequest> requests;
    int errorStatus = 0;
};

Parsed parseInPieces(const QByteArray &input, qsizetype piece, qsizetype maxHeader = 1024,
                     qsizetype maxBody = 4096)
{
    HttpRequestParser parser(maxHeader, maxBody);
    Parsed out;
    for (qsizetype from = 0; from < input.size(); from += piece) {
        parser.append(QByteArrayView(input).sliced(from, std::min(piece, input.size() - from)));
        for (;;) {
            const HttpRequestParser::Status s = parser.next();
            if (s == HttpRequestParser::Status::Request) {
                out.requests << parser.takeRequest();
                continue;
            }
            if (s == HttpRequestParser::Status::Failed)
                out.errorStatus = parser.errorStatus();
            break;
        }
        if (out.errorStatus)
            break;
    }
    return out;
}

} // namespace

class TestHttpRequestParser : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void parsesValidRequests_data()
    {
        QTest::addColumn<QByteArray>("input");
        QTest::addColumn<QList<QByteArray>>("bodies");
        QTest::addColumn<QByteArray>("firstPath");

        QTest::newRow("get") << QByteArray("GET /a%20b?x=1&y=two HTTP/1.1\r\nHost: h\r\n\r\n")
                             << QList<QByteArray> {""} << QByteArray("/a b");
        QTest::newRow("content-length")
            << QByteArray("POST /mcp HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n\r\nhello")
            << QList<QByteArray> {"hello"} << QByteArray("/mcp");
        QTest::newRow("lf only") << QByteArray("POST / HTTP/1.1\nHost: h\nContent-Length: 2\n\nok")
                                 << QList<QByteArray> {"ok"} << QByteArray("/");
        QTest::newRow("chunked with extensions and trailers")
            << QByteArray("POST /u HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
                          "5;name=v\r\nhello\r\n1\r\n \r\nA\r\n0123456789\r\n0\r\nX-T: 1\r\n\r\n")
            << QList<QByteArray> {"hello 0123456789"} << QByteArray("/u");
        QTest::newRow("pipelined")
            << QByteArray("GET /1 HTTP/1.1\r\nHost: h\r\n\r\nPOST /2 HTTP/1.1\r\nHost: h\r\n"
                          "Content-Length: 3\r\n\r\nabcGET /3 HTTP/1.0\r\n\r\n")
            << QList<QByteArray> {"", "abc", ""} << QByteArray("/1");
        QTest::newRow("leading empty lines")
            << QByteArray("\r\n\r\nGET /x HTTP/1.1\r\nHost: h\r\n\r\n") << QList<QByteArray> {""}
            << QByteArray("/x");
        QTest::newRow("absolute form")
            << QByteArray("GET http://h:80/p/q?z=1 HTTP/1.1\r\nHost: h\r\n\r\n")
            << QList<QByteArray> {""} << QByteArray("/p/q");
        QTest::newRow("same content-length twice")
            << QByteArray("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 1\r\nContent-Length: "
                          "1\r\n\r\nx")
            << QList<QByteArray> {"x"} << QByteArray("/");
    }

    void parsesValidRequests()
    {
        QFETCH(QByteArray, input);
        QFETCH(QList<QByteArray>, bodies);
        QFETCH(QByteArray, firstPath);
        for (qsizetype piece = 1; piece <= input.size(); ++piece) {
            const Parsed got = parseInPieces(input, piece);
            QCOMPARE(got.errorStatus, 0);
            QCOMPARE(got.requests.size(), bodies.size());
            for (qsizetype i = 0; i < bodies.size(); ++i)
                QCOMPARE(got.requests.at(i).body, bodies.at(i));
            QCOMPARE(got.requests.first().path, QString::fromUtf8(firstPath));
        }
    }

    void requestFields()
    {
        const Parsed got = parseInPieces(
            "GET /search?q=a%2Bb&n=2 HTTP/1.1\r\nHost: localhost:8\r\nX-Mixed-Case:  v1 \r\n"
            "x-mixed-case: v2\r\nConnection: keep-alive, Upgrade\r\n\r\n",
            1 << 20);
        QCOMPARE(got.requests.size(), 1);
        const HttpRequest &r = got.requests.first();
        QCOMPARE(r.method, QByteArray("GET"));
        QCOMPARE(r.target, QByteArray("/search?q=a%2Bb&n=2"));
        QCOMPARE(r.query.queryItemValue(QStringLiteral("q"), QUrl::FullyDecoded),
                 QStringLiteral("a+b"));
        QCOMPARE(r.query.queryItemValue(QStringLiteral("n")), QStringLiteral("2"));
        QCOMPARE(r.header("x-MIXED-case"), QByteArray("v1"));
        QCOMPARE(r.headerValues("X-Mixed-Case"), (QList<QByteArray> {"v1", "v2"}));
        QVERIFY(r.headerHasToken("connection", "upgrade"));
        QVERIFY(!r.headerHasToken("connection", "close"));
        QVERIFY(r.wantsKeepAlive());
        QVERIFY(!r.hasHeader("Content-Length"));
    }

    void keepAliveRules()
    {
        auto keepAlive = [](const QByteArray &head) {
            const Parsed p = parseInPieces(head + "\r\n", 1 << 20);
            return p.requests.value(0).wantsKeepAlive();
        };
        QVERIFY(keepAlive("GET / HTTP/1.1\r\nHost: h\r\n"));
        QVERIFY(!keepAlive("GET / HTTP/1.1\r\nHost: h\r\nConnection: close\r\n"));
        QVERIFY(!keepAlive("GET / HTTP/1.0\r\n"));
        QVERIFY(keepAlive("GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n"));
    }

    void refusesBadRequests_data()
    {
        QTest::addColumn<QByteArray>("input");
        QTest::addColumn<int>("status");
        QTest::newRow("garbage") << QByteArray("hello there\r\n\r\n") << 400;
        QTest::newRow("missing version") << QByteArray("GET /\r\n\r\n") << 400;
        QTest::newRow("relative target")
            << QByteArray("GET mcp HTTP/1.1\r\nHost: h\r\n\r\n") << 400;
        QTest::newRow("bad method") << QByteArray("G(T / HTTP/1.1\r\nHost: h\r\n\r\n") << 400;
        QTest::newRow("http/2") << QByteArray("GET / HTTP/2.0\r\nHost: h\r\n\r\n") << 505;
        QTest::newRow("http/1.1 without host") << QByteArray("GET / HTTP/1.1\r\n\r\n") << 400;
        QTest::newRow("two hosts")
            << QByteArray("GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n") << 400;
        QTest::newRow("obs-fold") << QByteArray("GET / HTTP/1.1\r\nHost: h\r\nX: a\r\n b\r\n\r\n")
                                  << 400;
        QTest::newRow("space before colon")
            << QByteArray("GET / HTTP/1.1\r\nHost : h\r\n\r\n") << 400;
        QTest::newRow("no colon") << QByteArray("GET / HTTP/1.1\r\nHost h\r\n\r\n") << 400;
        QTest::newRow("cl and te") << QByteArray("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: "
                                                 "3\r\nTransfer-Encoding: chunked\r\n\r\n")
                                   << 400;
        QTest::newRow("conflicting cl")
            << QByteArray("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 3, 4\r\n\r\n") << 400;
        QTest::newRow("negative cl")
            << QByteArray("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: -1\r\n\r\n") << 400;
        QTest::newRow("cl not a number")
            << QByteArray("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 0x10\r\n\r\n") << 400;
        QTest::newRow("gzip te") << QByteArray(
            "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: gzip, chunked\r\n\r\n")
                                 << 501;
        QTest::newRow("bad chunk size")
            << QByteArray("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n")
            << 400;
        QTest::newRow("chunk longer than size")
            << QByteArray("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: "
                          "chunked\r\n\r\n2\r\nabc\r\n0\r\n\r\n")
            << 400;
        QTest::newRow("body over limit (length)")
            << QByteArray("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 4097\r\n\r\n") << 413;
        QTest::newRow("body over limit (chunked)")
            << QByteArray("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n800\r\n"
                          + QByteArray(2048, 'x') + "\r\n801\r\n")
            << 413;
        QTest::newRow("head over limit") << QByteArray(
            "GET / HTTP/1.1\r\nHost: h\r\nX-Big: " + QByteArray(1100, 'a') + "\r\n\r\n")
                                         << 431;
        QTest::newRow("many headers over limit")
            << QByteArray("GET / HTTP/1.1\r\nHost: h\r\n"
                          + QByteArray("X-A: 123456789\r\n").repeated(100) + "\r\n")
            << 431;
        QTest::newRow("head without end over limit")
            << QByteArray("GET / HTTP/1.1\r\nHost: h\r\nX: " + QByteArray(2000, 'a')) << 431;
        QTest::newRow("expect something else") << QByteArray(
            "POST / HTTP/1.1\r\nHost: h\r\nExpect: magic\r\nContent-Length: 1\r\n\r\nx")
                                               << 417;
        QTest::newRow("control char in value")
            << QByteArray("GET / HTTP/1.1\r\nHost: h\r\nX: a\x01b\r\n\r\n") << 400;
    }

    void refusesBadRequests()
    {
        QFETCH(QByteArray, input);
        QFETCH(int, status);
        for (const qsizetype piece : {qsizetype(1), qsizetype(7), input.size()}) {
            const Parsed got = parseInPieces(input, piece);
            QCOMPARE(got.errorStatus, status);
            QVERIFY(got.requests.isEmpty());
        }
    }

    void expectContinueIsReported()
    {
        HttpRequestParser parser(1024, 1024);
        parser.append(
            "POST / HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\nContent-Length: 3\r\n\r\n");
        QCOMPARE(parser.next(), HttpRequestParser::Status::NeedMore);
        QVERIFY(parser.expectsContinue());
        parser.continueSent();
        QVERIFY(!parser.expectsContinue());
        parser.append("abc");
        QCOMPARE(parser.next(), HttpRequestParser::Status::Request);
        QCOMPARE(parser.takeRequest().body, QByteArray("abc"));
        QVERIFY(!parser.hasPartialRequest());
    }

    void partialRequestIsVisible()
    {
        HttpRequestParser parser(1024, 1024);
        QVERIFY(!parser.hasPartialRequest());
        parser.append("GE");
        QCOMPARE(parser.next(), HttpRequestParser::Status::NeedMore);
        QVERIFY(parser.hasPartialRequest());
        parser.append("T / HTTP/1.1\r\nHost: h\r\n\r\n");
        QCOMPARE(parser.next(), HttpRequestParser::Status::Request);
        QVERIFY(!parser.hasPartialRequest());
    }

    void largeBodyIsLinear()
    {
        // 4 MiB in 1-byte chunks would take minutes if each step copied the
        // buffer; this guards the compaction logic, not a wall-clock figure.
        HttpRequestParser parser(1024, 8 << 20);
        QByteArray input = "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n";
        for (int i = 0; i < 100000; ++i)
            input += "1\r\nx\r\n";
        input += "0\r\n\r\n";
        for (qsizetype from = 0; from < input.size(); from += 3) {
            parser.append(
                QByteArrayView(input).sliced(from, std::min<qsizetype>(3, input.size() - from)));
            if (parser.next() == HttpRequestParser::Status::Request) {
                QCOMPARE(parser.takeRequest().body.size(), 100000);
                return;
            }
        }
        QFAIL("request not complete");
    }
};

QTEST_GUILESS_MAIN(TestHttpRequestParser)
#include "tst_httprequestparser.moc"
