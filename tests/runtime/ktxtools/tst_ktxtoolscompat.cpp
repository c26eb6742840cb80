// tools/list of the product MCP server against the original ktx's recorded
// tools/list (ktx-fixtures/ktx-tools-list.json): for every tool we serve, the
// name, title, inputSchema, outputSchema, annotations and execution must be
// the original's. Descriptions are ours and are left out of the comparison.
#include "ktxtools/ktxtoolset.h"
#include "serve/mcpserver.h"
#include "serve/mcpsession.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>

using namespace ktx;

namespace {

QJsonValue withoutDescriptions(const QJsonValue &value)
{
    if (value.isObject()) {
        QJsonObject out;
        const QJsonObject in = value.toObject();
        for (auto it = in.begin(); it != in.end(); ++it) {
            if (it.key() != QLatin1String("description"))
                out.insert(it.key(), withoutDescriptions(it.value()));
        }
        return out;
    }
    if (value.isArray()) {
        QJsonArray out;
        for (const QJsonValue &v : value.toArray())
            out.append(withoutDescriptions(v));
        return out;
    }
    return value;
}

QJsonObject request(McpServer &server, McpSession &session, const QByteArray &text)
{
    QJsonObject answer;
    server.handle(&session, QByteArrayView(text),
                  [&answer](const QByteArray &m) { answer = QJsonDocument::fromJson(m).object(); });
    return answer;
}

} // namespace

class TestKtxToolsCompat : public QObject
{
    Q_OBJECT

    QJsonArray m_fixture;
    QJsonArray m_ours;

private Q_SLOTS:
    void initTestCase()
    {
        QFile file(qEnvironmentVariable("KTX_FIXTURES") + QStringLiteral("/ktx-tools-list.json"));
        QVERIFY2(file.open(QIODevice::ReadOnly), qPrintable(file.fileName()));
        m_fixture = QJsonDocument::fromJson(file.readAll())
                        .object()
                        .value(QLatin1String("tools"))
                        .toArray();
        QVERIFY(m_fixture.size() >= 9);

        auto context = std::make_shared<KtxToolContext>();
        context->projectDir = QStringLiteral("/nonexistent");
        ConnectionConfig warehouse;
        warehouse.id = QStringLiteral("warehouse");
        warehouse.driver = QStringLiteral("postgres");
        context->config.connections << warehouse;
        McpServer server(KtxToolSet::build(context));
        server.setCompactAnnotations(true);
        McpSession session;
        const QJsonObject init = request(
            server, session,
            R"({"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"t","version":"1"}}})");
        QCOMPARE(init.value(QLatin1String("result"))
                     .toObject()
                     .value(QLatin1String("serverInfo"))
                     .toObject()
                     .value(QLatin1String("name"))
                     .toString(),
                 QStringLiteral("ktx"));
        m_ours = request(server, session, R"({"jsonrpc":"2.0","id":2,"method":"tools/list"})")
                     .value(QLatin1String("result"))
                     .toObject()
                     .value(QLatin1String("tools"))
                     .toArray();
        QVERIFY(m_ours.size() >= 5);
    }

    void sameShapesAsTheOriginal_data()
    {
        QTest::addColumn<QJsonObject>("ours");
        for (const QJsonValue &t : std::as_const(m_ours)) {
            const QString name = t.toObject().value(QLatin1String("name")).toString();
            QTest::newRow(qPrintable(name)) << t.toObject();
        }
    }
    void sameShapesAsTheOriginal()
    {
        QFETCH(QJsonObject, ours);
        const QString name = ours.value(QLatin1String("name")).toString();
        QJsonObject theirs;
        for (const QJsonValue &t : std::as_const(m_fixture)) {
            if (t.toObject().value(QLatin1String("name")).toString() == name)
                theirs = t.toObject();
        }
        QVERIFY2(!theirs.isEmpty(), qPrintable(name + QStringLiteral(" is not an original tool")));
        QVERIFY(!ours.value(QLatin1String("description")).toString().isEmpty());
        for (const char *key :
             {"title", "inputSchema", "outputSchema", "annotations", "execution"}) {
            const QJsonValue a = withoutDescriptions(ours.value(QLatin1String(key)));
            const QJsonValue b = withoutDescriptions(theirs.value(QLatin1String(key)));
            QVERIFY2(
                a == b,
                qPrintable(
                    QStringLiteral("%1.%2 differs\nours:     %3\noriginal: %4")
                        .arg(name, QLatin1String(key),
                             QString::fromUtf8(
                                 QJsonDocument(a.toObject()).toJson(QJsonDocument::Compact)),
                             QString::fromUtf8(
                                 QJsonDocument(b.toObject()).toJson(QJsonDocument::Compact)))));
        }
    }

    void sameOrderAsTheOriginal()
    {
        QStringList original;
        for (const QJsonValue &t : std::as_const(m_fixture))
            original << t.toObject().value(QLatin1String("name")).toString();
        int last = -1;
        for (const QJsonValue &t : std::as_const(m_ours)) {
            const int at
                = int(original.indexOf(t.toObject().value(QLatin1String("name")).toString()));
            QVERIFY(at > last);
            last = at;
        }
    }
};

QTEST_GUILESS_MAIN(TestKtxToolsCompat)
#include "tst_ktxtoolscompat.moc"
