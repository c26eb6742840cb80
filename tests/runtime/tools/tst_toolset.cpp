#include "tools/jsonschemacheck.h"
#include "tools/toolset.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>

using namespace ktx;

namespace {

QJsonObject obj(const char *json)
{
    return QJsonDocument::fromJson(QByteArray(json)).object();
}

QJsonValue val(const char *json)
{
    // Wrap so scalars parse too.
    return QJsonDocument::fromJson(QByteArray("[") + json + "]").array().at(0);
}

AgentTool echoTool()
{
    AgentTool t;
    t.name = QStringLiteral("echo");
    t.description = QStringLiteral("Echo text");
    t.inputSchema = obj(
        R"({"type":"object","properties":{"text":{"type":"string"},"times":{"type":"integer","minimum":1}},
                           "required":["text"],"additionalProperties":false})");
    t.execute = [](const QJsonObject &args, const CancellationToken &) {
        return ToolOutput::success(args.value(QStringLiteral("text"))
                                       .toString()
                                       .repeated(args.value(QStringLiteral("times")).toInt(1)));
    };
    return t;
}

} // namespace

class TestToolSet : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void schema_data()
    {
        QTest::addColumn<QByteArray>("schema");
        QTest::addColumn<QByteArray>("value");
        QTest::addColumn<QString>("problem"); // empty: valid; else a fragment of the first problem

        QTest::newRow("string ok")
            << QByteArray(R"({"type":"string"})") << QByteArray(R"("a")") << QString();
        QTest::newRow("string wrong") << QByteArray(R"({"type":"string"})") << QByteArray("1")
                                      << QStringLiteral("expected string, got integer");
        QTest::newRow("integer accepts 3")
            << QByteArray(R"({"type":"integer"})") << QByteArray("3") << QString();
        QTest::newRow("integer rejects 3.5") << QByteArray(R"({"type":"integer"})")
                                             << QByteArray("3.5") << QStringLiteral("got number");
        QTest::newRow("number accepts integer")
            << QByteArray(R"({"type":"number"})") << QByteArray("3") << QString();
        QTest::newRow("type list")
            << QByteArray(R"({"type":["string","null"]})") << QByteArray("null") << QString();
        QTest::newRow("enum") << QByteArray(R"({"enum":["a","b"]})") << QByteArray(R"("c")")
                              << QStringLiteral("\"c\" is not one of \"a\", \"b\"");
        QTest::newRow("minimum") << QByteArray(R"({"type":"integer","minimum":1})")
                                 << QByteArray("0") << QStringLiteral("below the minimum 1");
        QTest::newRow("maximum") << QByteArray(R"({"maximum":10})") << QByteArray("11")
                                 << QStringLiteral("above the maximum 10");
        QTest::newRow("maxLength") << QByteArray(R"({"maxLength":2})") << QByteArray(R"("abc")")
                                   << QStringLiteral("at most 2 characters");
        QTest::newRow("pattern") << QByteArray(R"({"pattern":"^[a-z]+$"})") << QByteArray(R"("A1")")
                                 << QStringLiteral("does not match");
        QTest::newRow("required") << QByteArray(R"({"type":"object","required":["q"]})")
                                  << QByteArray("{}")
                                  << QStringLiteral("missing required property \"q\"");
        QTest::newRow("additional")
            << QByteArray(R"({"type":"object","properties":{"a":{}},"additionalProperties":false})")
            << QByteArray(R"({"b":1})") << QStringLiteral("unknown property \"b\" (allowed: a)");
        QTest::newRow("nested pointer") << QByteArray(
            R"({"type":"object","properties":{"xs":{"type":"array","items":{"type":"integer"}}}})")
                                        << QByteArray(R"({"xs":[1,"two"]})")
                                        << QStringLiteral("/xs/1: expected integer");
        QTest::newRow("minItems") << QByteArray(R"({"type":"array","minItems":1})")
                                  << QByteArray("[]") << QStringLiteral("at least 1 items");
        QTest::newRow("anyOf ok") << QByteArray(
            R"({"anyOf":[{"type":"string"},{"type":"integer"}]})")
                                  << QByteArray("5") << QString();
        QTest::newRow("anyOf none")
            << QByteArray(R"({"anyOf":[{"type":"string"},{"type":"integer"}]})")
            << QByteArray("true") << QStringLiteral("none of the allowed shapes");
        QTest::newRow("oneOf two")
            << QByteArray(R"({"oneOf":[{"type":"number"},{"type":"integer"}]})") << QByteArray("5")
            << QStringLiteral("matched 2");
        QTest::newRow("unknown keyword ignored")
            << QByteArray(R"({"format":"email","type":"string"})") << QByteArray(R"("x")")
            << QString();
        QTest::newRow("const") << QByteArray(R"({"const":"v1"})") << QByteArray(R"("v2")")
                               << QStringLiteral("must be \"v1\"");
    }

    void schema()
    {
        QFETCH(QByteArray, schema);
        QFETCH(QByteArray, value);
        QFETCH(QString, problem);
        const QStringList problems
            = JsonSchemaCheck::problems(obj(schema.constData()), val(value.constData()));
        if (problem.isEmpty()) {
            QVERIFY2(problems.isEmpty(), qPrintable(problems.join(QLatin1Char('\n'))));
        } else {
            QVERIFY(!problems.isEmpty());
            QVERIFY2(problems.first().contains(problem), qPrintable(problems.first()));
        }
    }

    void callValidatesBeforeExecuting()
    {
        ToolSet set;
        int executed = 0;
        AgentTool tool = echoTool();
        auto inner = tool.execute;
        tool.execute = [&executed, inner](const QJsonObject &a, const CancellationToken &c) {
            ++executed;
            return inner(a, c);
        };
        set.add(tool);
        const ToolOutput bad
            = set.call(QStringLiteral("echo"), obj(R"({"text":5})"), CancellationToken());
        QVERIFY(bad.isError);
        QVERIFY2(bad.text.contains(QStringLiteral("/text: expected string, got integer")),
                 qPrintable(bad.text));
        QCOMPARE(executed, 0);
        const ToolOutput good = set.call(QStringLiteral("echo"), obj(R"({"text":"ab","times":2})"),
                                         CancellationToken());
        QVERIFY(!good.isError);
        QCOMPARE(good.text, QStringLiteral("abab"));
        QCOMPARE(executed, 1);
    }

    void unknownToolNamesTheAvailableOnes()
    {
        ToolSet set;
        set.add(echoTool());
        const ToolOutput out = set.call(QStringLiteral("drop_table"), {}, CancellationToken());
        QVERIFY(out.isError);
        QVERIFY(out.text.contains(QStringLiteral("Unknown tool \"drop_table\"")));
        QVERIFY(out.text.contains(QStringLiteral("echo")));
    }

    void hugeOutputIsTruncatedWithNotice()
    {
        ToolSet set;
        set.add(echoTool());
        set.setMaxOutputChars(1000);
        const ToolOutput out
            = set.call(QStringLiteral("echo"), obj(R"({"text":"0123456789","times":500})"),
                       CancellationToken());
        QVERIFY(!out.isError);
        QVERIFY(out.text.startsWith(QStringLiteral("0123456789")));
        QVERIFY(out.text.contains(
            QStringLiteral("[output truncated: showing 1000 of 5000 characters")));
        QVERIFY(out.text.size() < 1200);
    }

    void cancelledCallDoesNotRun()
    {
        ToolSet set;
        set.add(echoTool());
        CancellationToken token;
        token.cancel();
        const ToolOutput out = set.call(QStringLiteral("echo"), obj(R"({"text":"x"})"), token);
        QVERIFY(out.isError);
        QVERIFY(out.text.contains(QStringLiteral("cancelled")));
    }

    void addingSameNameReplaces()
    {
        ToolSet set;
        set.add(echoTool());
        AgentTool other = echoTool();
        other.description = QStringLiteral("second");
        set.add(other);
        QCOMPARE(set.tools().size(), 1);
        QCOMPARE(set.find(QStringLiteral("echo"))->description, QStringLiteral("second"));
    }
};

QTEST_GUILESS_MAIN(TestToolSet)
#include "tst_toolset.moc"
