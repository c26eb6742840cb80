#include "core/atomicfile.h"
#include "core/secretredactor.h"
#include "project/configeditor.h"
#include "project/configloader.h"
#include "project/projectlocator.h"
#include "project/projectscaffold.h"
#include "project/secretref.h"
#include "project/setupprogress.h"

#include <QDir>
#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

using namespace ktx;

namespace {

QByteArray readAll(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

void writeFile(const QString &path, const QByteArray &content)
{
    QDir().mkpath(QFileInfo(path).absolutePath());
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(content);
}

// Runs the real git command line on a repository we made, with no user config.
QString git(const QString &dir, const QStringList &args, int *exitCode = nullptr)
{
    QProcess p;
    p.setWorkingDirectory(dir);
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert("GIT_CONFIG_GLOBAL", "/dev/null");
    env.insert("GIT_CONFIG_NOSYSTEM", "1");
    p.setProcessEnvironment(env);
    p.start("git", args);
    p.waitForFinished(30000);
    if (exitCode)
        *exitCode = p.exitCode();
    return QString::fromUtf8(p.readAllStandardOutput() + p.readAllStandardError()).trimmed();
}

} // namespace

class TestProjectFiles : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void resolutionOrder()
    {
        QTemporaryDir tmp;
        const QString project = tmp.filePath("proj");
        const QString nested = project + "/wiki/global/deep";
        QDir().mkpath(nested);
        writeFile(project + "/ktx.yaml", "connections: {}\n");

        qunsetenv("KTX_PROJECT_DIR");
        // nearest ktx.yaml upward
        auto r = ProjectLocator::resolve(QString(), nested);
        QCOMPARE(r.dir,
                 QDir(project).canonicalPath().isEmpty() ? project : QDir::cleanPath(project));
        QCOMPARE(r.origin, ProjectLocator::Origin::Ancestor);
        QVERIFY(r.hasConfig);
        // working directory when nothing is found
        r = ProjectLocator::resolve(QString(), tmp.path());
        QCOMPARE(r.origin, ProjectLocator::Origin::WorkingDirectory);
        QVERIFY(!r.hasConfig);
        // the environment beats the upward search
        qputenv("KTX_PROJECT_DIR", tmp.path().toUtf8());
        r = ProjectLocator::resolve(QString(), nested);
        QCOMPARE(r.origin, ProjectLocator::Origin::Environment);
        QCOMPARE(r.dir, QDir::cleanPath(tmp.path()));
        // the flag beats everything; relative to the working directory
        r = ProjectLocator::resolve("../..", nested);
        QCOMPARE(r.origin, ProjectLocator::Origin::Flag);
        QCOMPARE(r.dir, QDir::cleanPath(project + "/wiki"));
        qunsetenv("KTX_PROJECT_DIR");
    }

    void atomicWriteReplacesWholeFile()
    {
        QTemporaryDir tmp;
        const QString path = tmp.filePath("sub/dir/file.txt");
        QVERIFY(AtomicFile::write(path, "first").ok());
        QVERIFY(AtomicFile::write(path, "second version").ok());
        QCOMPARE(readAll(path), QByteArray("second version"));
        // no temporary files left behind
        QCOMPARE(QDir(tmp.filePath("sub/dir")).entryList(QDir::Files | QDir::Hidden),
                 QStringList {"file.txt"});
        // a folder that cannot be written: a clear error and the old content kept
        QFile::setPermissions(tmp.filePath("sub/dir"),
                              QFileDevice::ReadOwner | QFileDevice::ExeOwner);
        if (::geteuid() != 0) { // root ignores permissions
            auto r = AtomicFile::write(path, "third");
            QVERIFY(!r.ok());
            QVERIFY(r.error().message.contains("file.txt"));
            QCOMPARE(readAll(path), QByteArray("second version"));
        }
        QFile::setPermissions(tmp.filePath("sub/dir"),
                              QFileDevice::ReadOwner | QFileDevice::WriteOwner
                                  | QFileDevice::ExeOwner);
        // the target is a directory: refused, nothing changed
        QVERIFY(!AtomicFile::write(tmp.filePath("sub"), "x").ok());
        QVERIFY(QFileInfo(tmp.filePath("sub")).isDir());
    }

    void secretsAreStoredPrivatelyAndResolved()
    {
        QTemporaryDir tmp;
        auto ref = SecretStore::store(tmp.path(), "anthropic-api-key", "sk-ant-secret-value-123");
        QVERIFY(ref.ok());
        QCOMPARE(*ref, QStringLiteral("file:.ktx/secrets/anthropic-api-key"));
        const QString file = tmp.filePath(".ktx/secrets/anthropic-api-key");
        const QFileDevice::Permissions others = QFileDevice::ReadGroup | QFileDevice::WriteGroup
            | QFileDevice::ExeGroup | QFileDevice::ReadOther | QFileDevice::WriteOther
            | QFileDevice::ExeOther;
        QCOMPARE(QFile::permissions(file) & others, QFileDevice::Permissions());
        QVERIFY(
            QFile::permissions(file).testFlags(QFileDevice::ReadOwner | QFileDevice::WriteOwner));
        QCOMPARE(SecretRef::parse(*ref).resolve(tmp.path()).value(),
                 QStringLiteral("sk-ant-secret-value-123"));
        // the value is now masked in any text that passes the redactor
        QCOMPARE(SecretRedactor::redact("key=sk-ant-secret-value-123!"),
                 QStringLiteral("key=[redacted]!"));

        QVERIFY(!SecretStore::store(tmp.path(), "../escape", "x1234").ok());
        QVERIFY(!SecretStore::store(tmp.path(), "multi", "a\nb").ok());

        qputenv("KTX_TEST_SECRET", "from-env-9876");
        const SecretRef env = SecretRef::parse("env:KTX_TEST_SECRET");
        QCOMPARE(env.kind(), SecretRef::Kind::Env);
        QVERIFY(env.isAvailable(tmp.path()));
        QCOMPARE(env.resolve(tmp.path()).value(), QStringLiteral("from-env-9876"));
        const SecretRef missing = SecretRef::parse("env:KTX_TEST_NOT_SET");
        QVERIFY(!missing.isAvailable(tmp.path()));
        auto error = missing.resolve(tmp.path());
        QVERIFY(!error.ok());
        QVERIFY(error.error().message.contains("KTX_TEST_NOT_SET"));
        QCOMPARE(SecretRef::parse("postgres://x").kind(), SecretRef::Kind::Literal);
    }

    void scaffoldCreatesOwnRepository()
    {
        QTemporaryDir tmp;
        // an enclosing repository: the project must get its own
        int code = 0;
        git(tmp.path(), {"init", "-q", "-b", "outer"}, &code);
        QCOMPARE(code, 0);
        const QString dir = tmp.filePath("analytics/ktx");
        auto r = ProjectScaffold::create(dir, {});
        QVERIFY2(r.ok(), qPrintable(r.ok() ? QString() : r.error().toText()));
        for (const char *path : {"ktx.yaml", ".gitignore", "semantic-layer", "wiki/global",
                                 "raw-sources", ".ktx", ".git"})
            QVERIFY2(QFileInfo::exists(dir + "/" + path), path);
        QVERIFY(readAll(dir + "/.gitignore").contains("/.ktx/"));
        QCOMPARE(git(dir, {"rev-parse", "--show-toplevel"}), QDir(dir).canonicalPath());
        QCOMPARE(git(dir, {"log", "--format=%an <%ae>|%s"}),
                 QStringLiteral("ktx <ktx@example.com>|Initialize ktx project: ktx"));
        QCOMPARE(git(dir, {"branch", "--show-current"}), QStringLiteral("main"));
        git(dir, {"fsck", "--strict"}, &code);
        QCOMPARE(code, 0);
        QVERIFY(git(dir, {"status", "--porcelain"}).isEmpty());
        // nothing was committed to the enclosing repository
        QVERIFY(git(tmp.path(), {"log"}, &code).contains("does not have any commits"));
        // the loaded default config is valid
        QVERIFY(ConfigLoader::loadFile(dir + "/ktx.yaml")->issues.isEmpty());

        // refusals
        auto again = ProjectScaffold::create(dir, {});
        QVERIFY(!again.ok());
        QCOMPARE(again.error().code, QStringLiteral("project_exists"));
        ProjectScaffold::Options nonEmpty;
        nonEmpty.allowNonEmpty = true;
        auto foreign = ProjectScaffold::create(tmp.path(), nonEmpty);
        QCOMPARE(foreign.error().code, QStringLiteral("foreign_repository"));
        const QString busy = tmp.filePath("busy");
        writeFile(busy + "/notes.txt", "mine");
        QCOMPARE(ProjectScaffold::create(busy, {}).error().code,
                 QStringLiteral("folder_not_empty"));
        ProjectScaffold::Options allow;
        allow.allowNonEmpty = true;
        QVERIFY(ProjectScaffold::create(busy, allow).ok());
        QCOMPARE(readAll(busy + "/notes.txt"), QByteArray("mine"));
    }

    void scaffoldRollsBackOnInvalidConfig()
    {
        QTemporaryDir tmp;
        const QString dir = tmp.filePath("new");
        ProjectScaffold::Options options;
        options.configText = "llm:\n  provider:\n    backend: nope\n";
        auto r = ProjectScaffold::create(dir, options);
        QVERIFY(!r.ok());
        QVERIFY(r.error().message.contains("Unsupported llm.provider.backend: nope"));
        QVERIFY(!QFileInfo::exists(dir));
    }

    void setupProgressRoundTrip()
    {
        QTemporaryDir tmp;
        SetupProgress p;
        p.markCompleted("project");
        p.markCompleted("project");
        p.markCompleted("llm");
        p.currentPage = "summary";
        p.fields.insert("projectName", "shop");
        QVERIFY(p.save(tmp.path()).ok());
        const SetupProgress q = SetupProgress::load(tmp.path());
        QCOMPARE(q.completedSteps, (QStringList {"project", "llm"}));
        QCOMPARE(q.currentPage, QStringLiteral("summary"));
        QCOMPARE(q.fields.value("projectName").toString(), QStringLiteral("shop"));
        QVERIFY(readAll(tmp.filePath(".ktx/setup/state.json")).contains("\"completed_steps\""));
    }

    void editorRefusesInvalidResult()
    {
        QTemporaryDir tmp;
        QVERIFY(ProjectScaffold::create(tmp.filePath("p"), {}).ok());
        const QString dir = tmp.filePath("p");
        const QByteArray before = readAll(dir + "/ktx.yaml");
        auto editor = ConfigEditor::open(dir);
        QVERIFY(editor.ok());
        QVERIFY(editor->set({"ingest", "workUnits", "stepBudget"}, YamlValue::string("lots")).ok());
        auto saved = editor->save();
        QVERIFY(!saved.ok());
        QVERIFY(saved.error().message.contains("stepBudget"));
        QCOMPARE(readAll(dir + "/ktx.yaml"), before);

        auto good = ConfigEditor::open(dir);
        QVERIFY(good->setConnection("shop",
                                    YamlValue::mapping()
                                        .insert("driver", YamlValue::string("sqlite"))
                                        .insert("path", YamlValue::string("shop.db")))
                    .ok());
        QVERIFY(good->saveAndCommit().ok());
        QCOMPARE(git(dir, {"log", "-1", "--format=%an <%ae>|%s"}),
                 QStringLiteral("ktx setup <setup@ktx.local>|setup: update ktx project config"));
        // same id with another driver is refused
        auto clash = ConfigEditor::open(dir);
        QVERIFY(
            !clash
                 ->setConnection(
                     "shop", YamlValue::mapping().insert("driver", YamlValue::string("postgres")))
                 .ok());
        // an unparseable file is never rewritten
        writeFile(dir + "/ktx.yaml", "a: [1,\n");
        QVERIFY(!ConfigEditor::open(dir).ok());
    }
};

QTEST_GUILESS_MAIN(TestProjectFiles)
#include "tst_projectfiles.moc"
