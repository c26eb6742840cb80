// tools/list of the product MCP server against the original ktx's recorded
// tools/list, without a model (ktx-fixtures/ktx-tools-list.json) and with one
// (ktx-tools-list-with-llm.json, which adds memory_ingest and
// memory_ingest_status): the same tools in the same order, and for each the
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

QJsonArray fixture(const QString &name)
{
    QFile file(qEnvironmentVariable("KTX_FIXTURES") + QLatin1Char('/') + name);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return QJsonDocument::fromJson(file.readAll()).object().value(QLatin1String("tools")).toArray();
}

// Our tools/list for a project with one postgres connection, with or without a model.
QJsonArray ourTools(bool withModel)
{
    auto context = std::make_shared<KtxToolContext>();
    context->projectDir = QStringLiteral("/nonexistent");
    ConnectionConfig warehouse;
    warehouse.id = QStringLiteral("warehouse");
    warehouse.driver = QStringLiteral("postgres");
    context->config.connections << warehouse;
    if (withModel)
        context->config.llm.backend = QStringLiteral("anthropic");
    McpServer server(KtxToolSet::build(context));
    server.setCompactAnnotations(true);
    McpSession session;
    const QJsonObject init = request(
        server, session,
        R"({"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"t","version":"1"}}})");
    if (init.value(QLatin1String("result"))
            .toObject()
            .value(QLatin1String("serverInfo"))
            .toObject()
            .value(QLatin1String("name"))
            .toString()
        != QLatin1String("ktx"))
        return {};
    return request(server, session, R"({"jsonrpc":"2.0","id":2,"method":"tools/list"})")
        .value(QLatin1String("result"))
        .toObject()
        .value(QLatin1String("tools"))
        .toArray();
}

QStringList namesOf(const QJsonArray &tools)
{
    QStringList names;
    for (const QJsonValue &t : tools)
        names << t.toObject().value(QLatin1String("name")).toString();
    return names;
}

} // namespace

class TestKtxToolsCompat : public QObject
{
    Q_OBJECT

    QJsonArray m_fixture[2]; // without, with a model
    QJsonArray m_ours[2];

private Q_SLOTS:
    void initTestCase()
    {
        m_fixture[0] = fixture(QStringLiteral("ktx-tools-list.json"));
        m_fixture[1] = fixture(QStringLiteral("ktx-tools-list-with-llm.json"));
        QVERIFY(m_fixture[0].size() >= 9);
        QVERIFY(m_fixture[1].size() >= 11);
        m_ours[0] = ourTools(false);
        m_ours[1] = ourTools(true);
        QVERIFY(m_ours[0].size() >= 5);
        QVERIFY(m_ours[1].size() > m_ours[0].size());
    }

    void sameShapesAsTheOriginal_data()
    {
        QTest::addColumn<QJsonObject>("ours");
        QTest::addColumn<int>("variant");
        for (int v = 0; v < 2; ++v) {
            for (const QJsonValue &t : std::as_const(m_ours[v])) {
                const QString name = t.toObject().value(QLatin1String("name")).toString();
                QTest::newRow(qPrintable(v ? name + QStringLiteral(" (with model)") : name))
                    << t.toObject() << v;
            }
        }
    }
    void sameShapesAsTheOriginal()
    {
        QFETCH(QJsonObject, ours);
        QFETCH(int, variant);
        const QString name = ours.value(QLatin1String("name")).toString();
        QJsonObject theirs;
        for (const QJsonValue &t : std::as_const(m_fixture[variant])) {
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

    // The same tools in the same order: the original's list without a model,
    // and with one (memory_ingest, memory_ingest_status at the end).
    void sameToolsAsTheOriginal()
    {
        QCOMPARE(namesOf(m_ours[0]), namesOf(m_fixture[0]));
        QCOMPARE(namesOf(m_ours[1]), namesOf(m_fixture[1]));
    }
};

QTEST_GUILESS_MAIN(TestKtxToolsCompat)
#include "tst_ktxtoolscompat.moc"
