#include "project/projectscaffold.h"
#include "project/setupprogress.h"
#include "ui/colorscheme.h"
#include "ui/databasespage.h"
#include "ui/setupfield.h"
#include "ui/setupwizard.h"

#include <QAbstractButton>
#include <QApplication>
#include <QDir>
#include <QFile>
#include <QLabel>
#include <QLineEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QSignalSpy>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using namespace ktx;

namespace {

constexpr int JobTimeoutMs = 20000;

// Hand-written comments of the kind people add; each must survive the edit.
const QByteArray handComments = "\n# --- team notes (hand-written) ---\n"
                                "# Ask #data-platform before adding production warehouses.\n"
                                "#   indented note: keep this line exactly as it is\n";

QStringList commentLines(const QByteArray &text)
{
    QStringList lines;
    for (const QByteArray &line : text.split('\n')) {
        if (line.trimmed().startsWith('#'))
            lines << QString::fromUtf8(line);
    }
    return lines;
}

QByteArray readFile(const QString &path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

bool makeSqlite(const QString &path)
{
    bool ok = false;
    {
        QSqlDatabase db
            = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("fixture"));
        db.setDatabaseName(path);
        ok = db.open();
        QSqlQuery query(db);
        ok = ok && query.exec(QStringLiteral("CREATE TABLE customers (id INTEGER PRIMARY KEY)"));
        ok = ok
            && query.exec(QStringLiteral("CREATE TABLE orders (id INTEGER PRIMARY KEY, "
                                         "customer_id INTEGER)"));
        db.close();
    }
    QSqlDatabase::removeDatabase(QStringLiteral("fixture"));
    return ok;
}

template<typename T> T *child(QWidget *parent, const char *name)
{
    return parent->findChild<T *>(QLatin1String(name));
}

} // namespace

class TestDatabasesPage : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void opensAtTheDatabasesStep();
    void addsSqliteConnectionKeepingComments();
    void missingFileTestReportsFileMissingWithoutBlocking();
    void successfulTestCountsTables();
    void staleTestResultIsDropped();
    void passwordIsStoredAsSecretNeverInFiles();
    void passwordFromEnvironmentVariable();
    void rejectsInvalidAndDuplicateIds();
    void screenshots();

private:
    QString newProject(const QString &name);
    QTemporaryDir m_root;
};

void TestDatabasesPage::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    QCoreApplication::setOrganizationName(QStringLiteral("ktx-tests"));
    QCoreApplication::setApplicationName(QStringLiteral("tst_databasespage"));
    QVERIFY(m_root.isValid());
}

QString TestDatabasesPage::newProject(const QString &name)
{
    const QString dir = m_root.filePath(name);
    ProjectScaffold::Options options;
    const Result<void> created = ProjectScaffold::create(dir, options);
    if (!created.ok()) {
        qWarning() << created.error().toText();
        return {};
    }
    QFile config(QDir(dir).filePath(QStringLiteral("ktx.yaml")));
    if (!config.open(QIODevice::Append))
        return {};
    config.write(handComments);
    return dir;
}

void TestDatabasesPage::opensAtTheDatabasesStep()
{
    const QString dir = newProject(QStringLiteral("step"));
    QVERIFY(!dir.isEmpty());
    QCOMPARE(SetupWizard::pageForStep(QStringLiteral("databases")),
             int(SetupWizard::Page_Databases));
    // The dashboard offers "Fix…/Change…" for every step in availableSteps().
    QVERIFY(SetupWizard::availableSteps().contains(QStringLiteral("databases")));
    SetupWizard wizard(dir, QStringLiteral("databases"));
    QCOMPARE(wizard.currentId(), int(SetupWizard::Page_Databases));
    // A new project (no ktx.yaml yet) goes from the project page straight to the summary.
    SetupWizard fresh(m_root.filePath(QStringLiteral("not-yet")));
    QCOMPARE(fresh.nextId(), int(SetupWizard::Page_Summary));
}

void TestDatabasesPage::addsSqliteConnectionKeepingComments()
{
    const QString dir = newProject(QStringLiteral("add"));
    QVERIFY(!dir.isEmpty());
    QVERIFY(QDir(dir).mkpath(QStringLiteral("data")));
    const QString dbFile = QDir(dir).filePath(QStringLiteral("data/shop warehouse.sqlite"));
    QVERIFY(makeSqlite(dbFile));
    const QByteArray before = readFile(QDir(dir).filePath(QStringLiteral("ktx.yaml")));
    const QStringList comments = commentLines(before);
    QVERIFY(comments.size() > 3);

    SetupWizard wizard(dir, QStringLiteral("databases"));
    wizard.show();
    auto *page = qobject_cast<DatabasesPage *>(wizard.currentPage());
    QVERIFY(page);
    wizard.setField(SetupField::DatabaseDriver, QStringLiteral("sqlite"));
    wizard.setField(SetupField::DatabaseFile, dbFile);
    // Default id from the file name, made valid.
    QCOMPARE(page->connectionId(), QStringLiteral("shop_warehouse"));

    QSignalSpy added(page, &DatabasesPage::connectionAdded);
    QSignalSpy failed(page, &DatabasesPage::addFailed);
    auto *add = child<QPushButton>(page, "addConnection");
    QVERIFY(add->isEnabled());
    QTest::mouseClick(add, Qt::LeftButton);
    QVERIFY(page->isSaving()); // the click returned while ktx.yaml is written on the pool
    QTRY_VERIFY_WITH_TIMEOUT(added.count() + failed.count() > 0, JobTimeoutMs);
    QVERIFY2(failed.isEmpty(),
             failed.isEmpty() ? "" : qPrintable(failed.first().first().toString()));
    QCOMPARE(added.first().first().toString(), QStringLiteral("shop_warehouse"));

    const QByteArray after = readFile(QDir(dir).filePath(QStringLiteral("ktx.yaml")));
    for (const QString &line : comments)
        QVERIFY2(after.contains(line.toUtf8()), qPrintable(QStringLiteral("lost: ") + line));
    QVERIFY(after.contains("shop_warehouse:"));
    QVERIFY(after.contains("driver: sqlite"));
    // Inside the project, the path is written relative to it.
    QVERIFY2(after.contains("data/shop warehouse.sqlite"), after.constData());
    QVERIFY(!after.contains(m_root.path().toUtf8()));

    QTRY_VERIFY_WITH_TIMEOUT(SetupProgress::load(dir).isCompleted(QStringLiteral("databases")),
                             JobTimeoutMs);
    // The same id is now taken.
    wizard.setField(SetupField::DatabaseConnectionId, QStringLiteral("shop_warehouse"));
    QVERIFY(!add->isEnabled());
    QCOMPARE(page->connectionId(), QStringLiteral("shop_warehouse"));
}

void TestDatabasesPage::missingFileTestReportsFileMissingWithoutBlocking()
{
    const QString dir = newProject(QStringLiteral("missing"));
    QVERIFY(!dir.isEmpty());
    SetupWizard wizard(dir, QStringLiteral("databases"));
    wizard.show();
    auto *page = qobject_cast<DatabasesPage *>(wizard.currentPage());
    QVERIFY(page);
    wizard.setField(SetupField::DatabaseDriver, QStringLiteral("sqlite"));
    wizard.setField(SetupField::DatabaseFile, QDir(dir).filePath(QStringLiteral("nope.sqlite")));

    QSignalSpy finished(page, &DatabasesPage::testFinished);
    QTest::mouseClick(child<QPushButton>(page, "testConnection"), Qt::LeftButton);
    // The click returns at once with the busy indicator showing.
    QVERIFY(page->isTesting());
    QVERIFY(child<QProgressBar>(page, "connectionBusy")->isVisible());
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, JobTimeoutMs);
    QCOMPARE(finished.first().first().toBool(), false);
    const QString text = child<QLabel>(page, "connectionTestResult")->text();
    QVERIFY2(text.contains(QStringLiteral("does not exist")), qPrintable(text));
    QVERIFY(text.contains(QStringLiteral("nope.sqlite")));
    QVERIFY(!child<QProgressBar>(page, "connectionBusy")->isVisible());
    // No empty file was left behind by the read-only probe.
    QVERIFY(!QFile::exists(QDir(dir).filePath(QStringLiteral("nope.sqlite"))));
}

void TestDatabasesPage::successfulTestCountsTables()
{
    const QString dir = newProject(QStringLiteral("ok"));
    QVERIFY(!dir.isEmpty());
    const QString dbFile = QDir(dir).filePath(QStringLiteral("two.sqlite"));
    QVERIFY(makeSqlite(dbFile));
    SetupWizard wizard(dir, QStringLiteral("databases"));
    wizard.show();
    auto *page = qobject_cast<DatabasesPage *>(wizard.currentPage());
    wizard.setField(SetupField::DatabaseFile, dbFile);
    QSignalSpy finished(page, &DatabasesPage::testFinished);
    page->testConnection();
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, JobTimeoutMs);
    QCOMPARE(finished.first().first().toBool(), true);
    QCOMPARE(child<QLabel>(page, "connectionTestResult")->text(),
             QStringLiteral("Connected: 2 tables"));
}

void TestDatabasesPage::staleTestResultIsDropped()
{
    const QString dir = newProject(QStringLiteral("stale"));
    QVERIFY(!dir.isEmpty());
    SetupWizard wizard(dir, QStringLiteral("databases"));
    wizard.show();
    auto *page = qobject_cast<DatabasesPage *>(wizard.currentPage());
    wizard.setField(SetupField::DatabaseFile, QDir(dir).filePath(QStringLiteral("gone.sqlite")));
    QSignalSpy finished(page, &DatabasesPage::testFinished);
    page->testConnection();
    QVERIFY(page->isTesting());
    // Editing the input while the test runs makes its answer stale.
    wizard.setField(SetupField::DatabaseFile, QDir(dir).filePath(QStringLiteral("other.sqlite")));
    QVERIFY(!page->isTesting());
    QTest::qWait(500);
    QCOMPARE(finished.count(), 0);
    QVERIFY(child<QLabel>(page, "connectionTestResult")->text().isEmpty());
}

void TestDatabasesPage::passwordIsStoredAsSecretNeverInFiles()
{
    const QString dir = newProject(QStringLiteral("secret"));
    QVERIFY(!dir.isEmpty());
    const QString password = QStringLiteral("Pa55-w0rd-never-in-yaml");
    {
        SetupWizard wizard(dir, QStringLiteral("databases"));
        wizard.show();
        auto *page = qobject_cast<DatabasesPage *>(wizard.currentPage());
        wizard.setField(SetupField::DatabaseDriver, QStringLiteral("postgres"));
        QCOMPARE(wizard.field(SetupField::DatabasePort).toInt(), 5432);
        wizard.setField(SetupField::DatabaseHost, QStringLiteral("db.internal"));
        wizard.setField(SetupField::DatabaseName, QStringLiteral("analytics"));
        wizard.setField(SetupField::DatabaseUser, QStringLiteral("analyst"));
        wizard.setField(SetupField::DatabaseSchemas, QStringLiteral("public, sales"));
        auto *passwordEdit = child<QLineEdit>(page, "databasePassword");
        QCOMPARE(passwordEdit->echoMode(), QLineEdit::Password);
        passwordEdit->setText(password);
        QCOMPARE(page->connectionId(), QStringLiteral("analytics"));
        QSignalSpy added(page, &DatabasesPage::connectionAdded);
        QSignalSpy failed(page, &DatabasesPage::addFailed);
        page->addConnection();
        QTRY_VERIFY_WITH_TIMEOUT(added.count() + failed.count() > 0, JobTimeoutMs);
        QVERIFY2(failed.isEmpty(),
                 failed.isEmpty() ? "" : qPrintable(failed.first().first().toString()));
        QVERIFY(passwordEdit->text().isEmpty()); // not kept around after use
        wizard.next(); // saves wizard.json
    }
    const QByteArray yaml = readFile(QDir(dir).filePath(QStringLiteral("ktx.yaml")));
    QVERIFY2(yaml.contains("password: file:.ktx/secrets/analytics-password"), yaml.constData());
    QVERIFY(yaml.contains("port: 5432"));
    QVERIFY(yaml.contains("sales"));
    QVERIFY(!yaml.contains(password.toUtf8()));
    QTRY_VERIFY(QFile::exists(QDir(dir).filePath(QStringLiteral(".ktx/setup/wizard.json"))));
    QTest::qWait(200);
    QVERIFY(!readFile(QDir(dir).filePath(QStringLiteral(".ktx/setup/wizard.json")))
                 .contains(password.toUtf8()));
    const QString secret = QDir(dir).filePath(QStringLiteral(".ktx/secrets/analytics-password"));
    QVERIFY(readFile(secret).contains(password.toUtf8()));
    QCOMPARE(QFile::permissions(secret) & (QFile::ReadGroup | QFile::ReadOther),
             QFile::Permissions());
}

void TestDatabasesPage::passwordFromEnvironmentVariable()
{
    const QString dir = newProject(QStringLiteral("env"));
    QVERIFY(!dir.isEmpty());
    SetupWizard wizard(dir, QStringLiteral("databases"));
    wizard.show();
    auto *page = qobject_cast<DatabasesPage *>(wizard.currentPage());
    wizard.setField(SetupField::DatabaseDriver, QStringLiteral("mysql"));
    QCOMPARE(wizard.field(SetupField::DatabasePort).toInt(), 3306);
    wizard.setField(SetupField::DatabaseHost, QStringLiteral("127.0.0.1"));
    wizard.setField(SetupField::DatabaseName, QStringLiteral("shop"));
    wizard.setField(SetupField::DatabasePasswordSource, QStringLiteral("env"));
    auto *add = child<QPushButton>(page, "addConnection");
    QVERIFY(!add->isEnabled()); // the variable name is required
    wizard.setField(SetupField::DatabasePasswordEnv, QStringLiteral("SHOP_DB_PASSWORD"));
    QVERIFY(add->isEnabled());
    QSignalSpy added(page, &DatabasesPage::connectionAdded);
    page->addConnection();
    QTRY_COMPARE_WITH_TIMEOUT(added.count(), 1, JobTimeoutMs);
    const QByteArray yaml = readFile(QDir(dir).filePath(QStringLiteral("ktx.yaml")));
    QVERIFY2(yaml.contains("password: env:SHOP_DB_PASSWORD"), yaml.constData());
    QVERIFY(yaml.contains("driver: mysql"));
    QVERIFY(!QFile::exists(QDir(dir).filePath(QStringLiteral(".ktx/secrets/shop-password"))));
}

void TestDatabasesPage::rejectsInvalidAndDuplicateIds()
{
    const QString dir = newProject(QStringLiteral("ids"));
    QVERIFY(!dir.isEmpty());
    SetupWizard wizard(dir, QStringLiteral("databases"));
    wizard.show();
    auto *page = qobject_cast<DatabasesPage *>(wizard.currentPage());
    auto *add = child<QPushButton>(page, "addConnection");
    auto *idEdit = child<QLineEdit>(page, "connectionId");
    wizard.setField(SetupField::DatabaseFile, QStringLiteral("/tmp/x.sqlite"));
    QVERIFY(add->isEnabled());
    // Typed input goes through the validator: a leading "-" is refused.
    QTest::keyClicks(idEdit, QStringLiteral("-bad"));
    QCOMPARE(idEdit->text(), QStringLiteral("bad"));
    // Set programmatically (e.g. restored), the id is still checked.
    idEdit->setText(QStringLiteral("has space"));
    QVERIFY(!add->isEnabled());
    QVERIFY(child<QLabel>(page, "connectionIdMessage")->isVisible());
    idEdit->setText(QStringLiteral("good_id-2"));
    QVERIFY(add->isEnabled());
    QVERIFY(!child<QLabel>(page, "connectionIdMessage")->isVisible());
}

void TestDatabasesPage::screenshots()
{
    // Only for documentation: KTX_SCREENSHOT_DIR=/tmp/shots-b tst_databasespage screenshots
    const QString out = qEnvironmentVariable("KTX_SCREENSHOT_DIR");
    if (out.isEmpty())
        QSKIP("set KTX_SCREENSHOT_DIR to write screenshots");
    QDir().mkpath(out);
    const QString dir = newProject(QStringLiteral("shots"));
    const QString dbFile = QDir(dir).filePath(QStringLiteral("warehouse.sqlite"));
    QVERIFY(makeSqlite(dbFile));
    for (const auto &[scheme, name] :
         {std::pair {ColorScheme::Scheme::Light, "light"}, {ColorScheme::Scheme::Dark, "dark"}}) {
        ColorScheme::apply(scheme);
        SetupWizard wizard(dir, QStringLiteral("databases"));
        wizard.resize(760, 600);
        wizard.show();
        auto *page = qobject_cast<DatabasesPage *>(wizard.currentPage());
        QSignalSpy finished(page, &DatabasesPage::testFinished);
        wizard.setField(SetupField::DatabaseDriver, QStringLiteral("sqlite"));
        wizard.setField(SetupField::DatabaseFile, dbFile);
        page->testConnection();
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, JobTimeoutMs);
        QTest::qWait(50);
        QVERIFY(wizard.grab().save(QStringLiteral("%1/wizard-sqlite-ok-%2.png").arg(out, name)));

        wizard.setField(SetupField::DatabaseDriver, QStringLiteral("postgres"));
        wizard.setField(SetupField::DatabaseHost, QStringLiteral("127.0.0.1"));
        wizard.setField(SetupField::DatabasePort, 1);
        wizard.setField(SetupField::DatabaseName, QStringLiteral("analytics"));
        wizard.setField(SetupField::DatabaseUser, QStringLiteral("analyst"));
        wizard.setField(SetupField::DatabaseSchemas, QStringLiteral("public, sales"));
        child<QLineEdit>(page, "databasePassword")->setText(QStringLiteral("hunter2"));
        page->testConnection();
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 2, JobTimeoutMs);
        QTest::qWait(50);
        QVERIFY(
            wizard.grab().save(QStringLiteral("%1/wizard-postgres-error-%2.png").arg(out, name)));
    }
}

QTEST_MAIN(TestDatabasesPage)
#include "tst_databasespage.moc"
