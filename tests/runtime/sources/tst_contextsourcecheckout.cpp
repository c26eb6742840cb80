// Acquiring a context source from git with `auth_token_ref`: the token is
// resolved through the project's secret references, handed to libgit2 as HTTPS
// credentials per request, and never lands in the clone's config, its remote
// URL or an error message. Offline: a file:// repository, a loopback HTTP
// server that asks for credentials, and a closed port.
#include "core/secretredactor.h"
#include "git/gitrepository.h"
#include "ingest/contextsourcecheckout.h"
#include "project/projectconfig.h"
#include "project/secretref.h"

#include <QDir>
#include <QFile>
#include <QFuture>
#include <QMutex>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>
#include <QtConcurrent>

using namespace ktx;

namespace {

const QByteArray kToken = "ghp_testtoken_5f1e2d3c4b5a69788796a5b4";

void writeFile(const QString &path, const QByteArray &bytes)
{
    QDir().mkpath(QFileInfo(path).path());
    QFile f(path);
    QVERIFY2(f.open(QIODevice::WriteOnly), qPrintable(path));
    f.write(bytes);
}

ConnectionConfig gitSource(const QString &url, const QString &tokenRef)
{
    ConnectionConfig c;
    c.id = QStringLiteral("shop_dbt");
    c.driver = QStringLiteral("dbt");
    c.fields.insert(QStringLiteral("repo_url"), url);
    c.fields.insert(QStringLiteral("branch"), QStringLiteral("main"));
    if (!tokenRef.isEmpty())
        c.fields.insert(QStringLiteral("auth_token_ref"), tokenRef);
    return c;
}

// Answers every request with 401 and a Basic challenge, and remembers the
// Authorization headers it was sent.
class ChallengingServer : public QTcpServer
{
public:
    ~ChallengingServer() override
    {
        // The sockets are deleted by ~QObject, after m_buffers is gone: their
        // disconnected handlers must not run then.
        for (QTcpSocket *socket : findChildren<QTcpSocket *>())
            socket->disconnect();
    }

    QStringList authorizations() const
    {
        QMutexLocker lock(&m_mutex);
        return m_authorizations;
    }

protected:
    void incomingConnection(qintptr handle) override
    {
        auto *socket = new QTcpSocket(this);
        socket->setSocketDescriptor(handle);
        connect(socket, &QTcpSocket::readyRead, socket, [this, socket] {
            m_buffers[socket] += socket->readAll();
            QByteArray &buffer = m_buffers[socket];
            qsizetype end;
            while ((end = buffer.indexOf("\r\n\r\n")) >= 0) {
                const QByteArray head = buffer.left(end);
                buffer.remove(0, end + 4);
                for (const QByteArray &line : head.split('\n'))
                    if (line.toLower().startsWith("authorization:")) {
                        QMutexLocker lock(&m_mutex);
                        m_authorizations << QString::fromLatin1(line.mid(14).trimmed());
                    }
                socket->write("HTTP/1.1 401 Unauthorized\r\n"
                              "WWW-Authenticate: Basic realm=\"ktx-test\"\r\n"
                              "Content-Length: 0\r\n\r\n");
            }
        });
        connect(socket, &QTcpSocket::disconnected, socket, [this, socket] {
            m_buffers.remove(socket);
            socket->deleteLater();
        });
    }

private:
    mutable QMutex m_mutex;
    QStringList m_authorizations;
    QHash<QTcpSocket *, QByteArray> m_buffers;
};

} // namespace

class TestContextSourceCheckout : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init() { SecretRedactor::clear(); }

    void tokenNeverReachesTheClone()
    {
        QTemporaryDir tmp;
        const QString origin = tmp.filePath(QStringLiteral("origin"));
        auto repo = GitRepository::init(origin);
        QVERIFY(repo.ok());
        writeFile(origin + QStringLiteral("/dbt_project.yml"), "name: shop\n");
        QVERIFY(repo->commit(QStringLiteral("init"), {QStringLiteral("T"), QStringLiteral("t@x")})
                    .ok());
        const QString project = tmp.filePath(QStringLiteral("project"));
        QDir().mkpath(project);
        qputenv("KTX_TEST_SOURCE_TOKEN", kToken);
        const auto location = ContextSourceCheckout::acquire(
            project,
            gitSource(QStringLiteral("file://") + origin,
                      QStringLiteral("env:KTX_TEST_SOURCE_TOKEN")));
        qunsetenv("KTX_TEST_SOURCE_TOKEN");
        QVERIFY2(location.ok(), qPrintable(location.ok() ? QString() : location.error().toText()));
        QVERIFY(QFile::exists(location->rootDir + QStringLiteral("/dbt_project.yml")));
        QVERIFY(!location->description.contains(QString::fromLatin1(kToken)));
        const QString cache = ContextSourceCheckout::cacheDir(project, QStringLiteral("shop_dbt"));
        QFile config(cache + QStringLiteral("/.git/config"));
        QVERIFY(config.open(QIODevice::ReadOnly));
        const QByteArray text = config.readAll();
        QVERIFY(text.contains("url = file://")); // the remote as configured
        QVERIFY(!text.contains(kToken));
        QVERIFY(!text.contains("x-access-token"));
    }

    // libgit2 asks for credentials on a 401; it gets x-access-token:<token>, and
    // when the server refuses them the error names the key, not the token.
    void credentialsGoToTheServerNotTheError()
    {
        ChallengingServer server;
        QVERIFY(server.listen(QHostAddress::LocalHost, 0));
        QTemporaryDir project;
        writeFile(project.filePath(QStringLiteral(".ktx/secrets/git_token")), kToken + "\n");
        const ConnectionConfig connection
            = gitSource(QStringLiteral("http://127.0.0.1:%1/shop.git").arg(server.serverPort()),
                        QStringLiteral("file:.ktx/secrets/git_token"));
        QFuture<Result<ContextSourceCheckout::Location>> future = QtConcurrent::run(
            [&] { return ContextSourceCheckout::acquire(project.path(), connection); });
        QTRY_VERIFY_WITH_TIMEOUT(future.isFinished(), 60000);
        const auto location = future.result();
        QVERIFY(!location.ok());
        QCOMPARE(location.error().code, QStringLiteral("source_unreachable"));
        QVERIFY(!location.error().toText().contains(QString::fromLatin1(kToken)));
        const QString expected = QStringLiteral("Basic ")
            + QString::fromLatin1(QByteArray("x-access-token:" + kToken).toBase64());
        QVERIFY2(server.authorizations().contains(expected),
                 qPrintable(server.authorizations().join(QLatin1Char('|'))));
        // Refused once, asked no more: no credential loop.
        QCOMPARE(server.authorizations().count(expected), 1);
        QVERIFY(!QDir(ContextSourceCheckout::cacheDir(project.path(), QStringLiteral("shop_dbt")))
                     .exists());
    }

    void unreachableHttpsErrorHasNoToken()
    {
        // Port 1 on loopback: refused at once, no network needed.
        QTemporaryDir project;
        qputenv("KTX_TEST_SOURCE_TOKEN", kToken);
        const auto location = ContextSourceCheckout::acquire(
            project.path(),
            gitSource(QStringLiteral("https://127.0.0.1:1/shop.git"),
                      QStringLiteral("env:KTX_TEST_SOURCE_TOKEN")));
        qunsetenv("KTX_TEST_SOURCE_TOKEN");
        QVERIFY(!location.ok());
        QCOMPARE(location.error().code, QStringLiteral("source_unreachable"));
        QVERIFY(location.error().message.contains(QStringLiteral("https://127.0.0.1:1/shop.git")));
        QVERIFY(!location.error().toText().contains(QString::fromLatin1(kToken)));
        // The resolved token is registered for redaction everywhere else (logs).
        QCOMPARE(SecretRedactor::redact(QString::fromLatin1("x " + kToken))
                     .contains(QString::fromLatin1(kToken)),
                 false);
    }

    void refResolutionErrorsNameTheKey_data()
    {
        QTest::addColumn<QString>("ref");
        QTest::addColumn<QString>("code");
        QTest::addColumn<QString>("messagePart");
        QTest::newRow("env unset") << QStringLiteral("env:KTX_TEST_NO_SUCH_VARIABLE")
                                   << QStringLiteral("source_auth_token_unresolved")
                                   << QStringLiteral("KTX_TEST_NO_SUCH_VARIABLE");
        QTest::newRow("file missing") << QStringLiteral("file:.ktx/secrets/nope")
                                      << QStringLiteral("source_auth_token_unresolved")
                                      << QStringLiteral("Cannot read the secret file");
        QTest::newRow("bare name not stored")
            << QStringLiteral("github_token") << QStringLiteral("source_auth_token_unresolved")
            << QStringLiteral("neither env:NAME");
    }

    void refResolutionErrorsNameTheKey()
    {
        QFETCH(QString, ref);
        QFETCH(QString, code);
        QFETCH(QString, messagePart);
        QTemporaryDir project;
        const auto location = ContextSourceCheckout::acquire(
            project.path(), gitSource(QStringLiteral("https://git.example.invalid/shop.git"), ref));
        QVERIFY(!location.ok());
        QCOMPARE(location.error().code, code);
        QVERIFY2(location.error().message.contains(
                     QStringLiteral("connections.shop_dbt.auth_token_ref")),
                 qPrintable(location.error().message));
        QVERIFY2(location.error().toText().contains(messagePart),
                 qPrintable(location.error().toText()));
        QVERIFY(!QDir(ContextSourceCheckout::cacheDir(project.path(), QStringLiteral("shop_dbt")))
                     .exists());
    }

    void storedSecretAndNestedMetricflowKey()
    {
        QTemporaryDir project;
        // A bare name is a secret `ktx setup` stored under .ktx/secrets/.
        QVERIFY(SecretStore::store(project.path(), QStringLiteral("github_token"),
                                   QString::fromLatin1(kToken))
                    .ok());
        auto location = ContextSourceCheckout::acquire(
            project.path(),
            gitSource(QStringLiteral("http://git.example.invalid/shop.git"),
                      QStringLiteral("github_token")));
        // Resolved, then refused before any network: plain http to a remote host.
        QCOMPARE(location.error().code, QStringLiteral("source_auth_token_insecure"));
        QVERIFY(!location.error().toText().contains(QString::fromLatin1(kToken)));

        ConnectionConfig mf;
        mf.id = QStringLiteral("metrics");
        mf.driver = QStringLiteral("metricflow");
        mf.fields.insert(QStringLiteral("metricflow"),
                         QVariantMap {{QStringLiteral("repoUrl"),
                                       QStringLiteral("https://git.example.invalid/m.git")},
                                      {QStringLiteral("auth_token_ref"),
                                       QStringLiteral("env:KTX_TEST_NO_SUCH_VARIABLE")}});
        location = ContextSourceCheckout::acquire(project.path(), mf);
        QCOMPARE(location.error().code, QStringLiteral("source_auth_token_unresolved"));
        QVERIFY(location.error().message.contains(
            QStringLiteral("connections.metrics.metricflow.auth_token_ref")));
    }
};

QTEST_GUILESS_MAIN(TestContextSourceCheckout)
#include "tst_contextsourcecheckout.moc"
