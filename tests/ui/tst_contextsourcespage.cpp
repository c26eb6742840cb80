#include "project/configeditor.h"
#include "project/configloader.h"
#include "project/projectscaffold.h"
#include "project/setupprogress.h"
#include "project/yamlvalue.h"
#include "sources/contextsource.h"
#include "ui/colorscheme.h"
#include "ui/contextsourcespage.h"
#include "ui/setupfield.h"
#include "ui/setupwizard.h"

#include <QAbstractButton>
#include <QApplication>
#include <QClipboard>
#include <QComboBox>
#include <QDir>
#include <QFile>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QProgressBar>
#include <QPushButton>
#include <QRadioButton>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QTreeWidget>

using namespace ktx;

namespace {

constexpr int JobTimeoutMs = 20000;

const QByteArray handComments
    = "\n# --- team notes (hand-written) ---\n"
      "# dbt lives in the analytics repo; ask #data before adding more.\n";

QByteArray readFile(const QString &path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

bool writeFile(const QString &path, const QByteArray &bytes)
{
    QDir().mkpath(QFileInfo(path).absolutePath());
    QFile file(path);
    return file.open(QIODevice::WriteOnly) && file.write(bytes) == bytes.size();
}

// A small dbt project the way people write one: a project file, two SQL models
// and a properties file with descriptions and tests.
bool makeDbtProject(const QString &root)
{
    return writeFile(root + QStringLiteral("/dbt_project.yml"),
                     "name: jaffle_shop\n"
                     "version: '1.0.0'\n"
                     "config-version: 2\n"
                     "profile: jaffle_shop\n"
                     "model-paths: [\"models\"]\n")
        && writeFile(root + QStringLiteral("/models/stg_orders.sql"),
                     "select id as order_id, customer_id, status\n"
                     "from {{ source('shop', 'orders') }}\n")
        && writeFile(root + QStringLiteral("/models/customers.sql"),
                     "select id as customer_id, name from {{ source('shop', 'customers') }}\n")
        && writeFile(root + QStringLiteral("/models/schema.yml"),
                     "version: 2\n"
                     "models:\n"
                     "  - name: stg_orders\n"
                     "    description: One row per order.\n"
                     "    columns:\n"
                     "      - name: order_id\n"
                     "        tests: [unique, not_null]\n"
                     "      - name: status\n"
                     "        tests:\n"
                     "          - accepted_values:\n"
                     "              values: ['placed', 'shipped', 'returned']\n"
                     "      - name: customer_id\n"
                     "        tests:\n"
                     "          - relationships:\n"
                     "              to: ref('customers')\n"
                     "              field: customer_id\n"
                     "  - name: customers\n"
                     "    description: One row per customer.\n"
                     "    columns:\n"
                     "      - name: customer_id\n"
                     "        tests: [unique, not_null]\n");
}

// Line 5 opens a flow sequence that never closes.
const QByteArray brokenYaml = "version: 2\n"
                              "models:\n"
                              "  - name: broken_model\n"
                              "    description: fine so far\n"
                              "    tags: [nightly, finance\n"
                              "    columns:\n"
                              "      - name: id\n";

template<typename T> T *child(QWidget *parent, const char *name)
{
    return parent->findChild<T *>(QLatin1String(name));
}

QStringList issueRows(QTreeWidget *tree, const QString &group)
{
    QStringList rows;
    for (int i = 0; i < tree->topLevelItemCount(); ++i) {
        QTreeWidgetItem *top = tree->topLevelItem(i);
        // Group rows read "Errors (2)".
        if (!top->text(0).startsWith(group + QStringLiteral(" (")))
            continue;
        for (int j = 0; j < top->childCount(); ++j)
            rows << top->child(j)->text(0) + QStringLiteral(" | ") + top->child(j)->text(1);
    }
    return rows;
}

} // namespace

class TestContextSourcesPage : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void sitsBetweenDatabasesAndAgentsAndCanBeSkipped();
    void checkShowsDbtCounts();
    void brokenYamlShowsFileAndLine();
    void enterOnTheLocationRunsCheck();
    void everyControlIsReachableByTab();
    void checkCanBeStoppedAndStaleAnswersAreDropped();
    void gitUrlCheckSaysItIsFetchedAtIngest();
    void nextWritesSourcesIntoKtxYaml();
    void existingSourcesLoadAndCanBeRemoved();
    void rejectsInvalidAndDuplicateIds();
    void screenshots();

private:
    QString newProject(const QString &name);
    ContextSourcesPage *openPage(SetupWizard &wizard);
    QTemporaryDir m_root;
};

void TestContextSourcesPage::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    QCoreApplication::setOrganizationName(QStringLiteral("ktx-tests"));
    QCoreApplication::setApplicationName(QStringLiteral("tst_contextsourcespage"));
    QVERIFY(m_root.isValid());
    // Written against the registry: a missing dbt parser fails here, not in a fake.
    QVERIFY2(contextSourceDrivers().contains(QStringLiteral("dbt")),
             "the dbt parser is not registered in contextSourceDrivers()");
}

// A project with one warehouse connection, "shop", and hand-written comments.
QString TestContextSourcesPage::newProject(const QString &name)
{
    const QString dir = m_root.filePath(name);
    if (!ProjectScaffold::create(dir, {}).ok())
        return {};
    QFile config(QDir(dir).filePath(QStringLiteral("ktx.yaml")));
    if (!config.open(QIODevice::Append))
        return {};
    config.write(handComments);
    config.close();
    Result<ConfigEditor> editor = ConfigEditor::open(dir);
    if (!editor.ok())
        return {};
    YamlValue shop = YamlValue::mapping();
    shop.insert(QStringLiteral("driver"), YamlValue::string(QStringLiteral("sqlite")));
    shop.insert(QStringLiteral("path"), YamlValue::string(QStringLiteral("shop.sqlite")));
    if (!editor.value().setConnection(QStringLiteral("shop"), shop).ok()
        || !editor.value().save().ok())
        return {};
    return dir;
}

ContextSourcesPage *TestContextSourcesPage::openPage(SetupWizard &wizard)
{
    wizard.show();
    auto *page = qobject_cast<ContextSourcesPage *>(wizard.currentPage());
    if (!page)
        return nullptr;
    // ktx.yaml is read on the pool when the page opens.
    if (page->isLoading()) {
        QSignalSpy loaded(page, &ContextSourcesPage::loaded);
        if (!loaded.wait(JobTimeoutMs))
            return nullptr;
    }
    return page;
}

void TestContextSourcesPage::sitsBetweenDatabasesAndAgentsAndCanBeSkipped()
{
    const QString dir = newProject(QStringLiteral("order"));
    QVERIFY(!dir.isEmpty());
    QCOMPARE(SetupWizard::pageForStep(QStringLiteral("sources")), int(SetupWizard::Page_Sources));
    QVERIFY(SetupWizard::availableSteps().contains(QStringLiteral("sources")));
    const QByteArray before = readFile(QDir(dir).filePath(QStringLiteral("ktx.yaml")));

    SetupWizard wizard(dir, QStringLiteral("databases"));
    wizard.show();
    QCOMPARE(wizard.currentId(), int(SetupWizard::Page_Databases));
    wizard.next();
    QCOMPARE(wizard.currentId(), int(SetupWizard::Page_Sources));
    auto *page = openPage(wizard);
    QVERIFY(page);
    QCOMPARE(page->entries().size(), 0);
    QVERIFY(child<QLabel>(page, "contextSourceResult")->text().contains(QStringLiteral("skip")));
    // Skipping writes nothing.
    wizard.next();
    QCOMPARE(wizard.currentId(), int(SetupWizard::Page_Agents));
    QCOMPARE(readFile(QDir(dir).filePath(QStringLiteral("ktx.yaml"))), before);
    wizard.back();
    QCOMPARE(wizard.currentId(), int(SetupWizard::Page_Sources));
}

void TestContextSourcesPage::checkShowsDbtCounts()
{
    const QString dir = newProject(QStringLiteral("counts"));
    QVERIFY(!dir.isEmpty());
    const QString dbt = m_root.filePath(QStringLiteral("counts-dbt"));
    QVERIFY(makeDbtProject(dbt));

    SetupWizard wizard(dir, QStringLiteral("sources"));
    auto *page = openPage(wizard);
    QVERIFY(page);
    QTest::mouseClick(child<QPushButton>(page, "addContextSource"), Qt::LeftButton);
    QCOMPARE(page->entries().size(), 1);
    QCOMPARE(page->entries().first().id, QStringLiteral("dbt"));
    // The warehouse the Databases step added is offered and chosen.
    auto *warehouse = child<QComboBox>(page, "contextSourceWarehouse");
    QCOMPARE(warehouse->currentData().toString(), QStringLiteral("shop"));
    child<QLineEdit>(page, "contextSourceFolder")->setText(dbt);

    QSignalSpy finished(page, &ContextSourcesPage::checkFinished);
    QTest::mouseClick(child<QPushButton>(page, "checkContextSource"), Qt::LeftButton);
    // The click returned at once; the parse runs on the pool with a busy indicator.
    QVERIFY(page->isChecking());
    QVERIFY(child<QProgressBar>(page, "contextSourceBusy")->isVisible());
    QVERIFY(child<QPushButton>(page, "cancelContextSourceCheck")->isVisible());
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, JobTimeoutMs);
    QCOMPARE(finished.first().first().toBool(), true);
    QVERIFY(!child<QProgressBar>(page, "contextSourceBusy")->isVisible());

    const QString summary = child<QLabel>(page, "contextSourceSummary")->text();
    QVERIFY2(summary.startsWith(QStringLiteral("2 models")), qPrintable(summary));
    QVERIFY2(summary.contains(QStringLiteral("0 errors")), qPrintable(summary));
    auto *issues = child<QTreeWidget>(page, "contextSourceIssues");
    const QStringList files = issueRows(issues, QStringLiteral("Files read"));
    QVERIFY2(files.contains(QStringLiteral("dbt_project.yml | ")), qPrintable(files.join(',')));
    QVERIFY(files.contains(QStringLiteral("models/schema.yml | ")));
    QVERIFY2(summary.contains(QStringLiteral("%1 files read").arg(files.size())),
             qPrintable(summary));
    QVERIFY(issueRows(issues, QStringLiteral("Errors")).isEmpty());
    QVERIFY(child<QLabel>(page, "contextSourceResult")
                ->text()
                .contains(QStringLiteral("reads cleanly")));
    // Checking is not ingesting: ktx.yaml is untouched until Next.
    QVERIFY(!readFile(QDir(dir).filePath(QStringLiteral("ktx.yaml"))).contains("driver: dbt"));
}

void TestContextSourcesPage::brokenYamlShowsFileAndLine()
{
    const QString dir = newProject(QStringLiteral("broken"));
    QVERIFY(!dir.isEmpty());
    const QString dbt = m_root.filePath(QStringLiteral("broken-dbt"));
    QVERIFY(makeDbtProject(dbt));
    QVERIFY(writeFile(dbt + QStringLiteral("/models/broken.yml"), brokenYaml));

    SetupWizard wizard(dir, QStringLiteral("sources"));
    auto *page = openPage(wizard);
    QVERIFY(page);
    page->addSource();
    child<QLineEdit>(page, "contextSourceFolder")->setText(dbt);
    QSignalSpy finished(page, &ContextSourcesPage::checkFinished);
    page->check();
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, JobTimeoutMs);

    auto *issues = child<QTreeWidget>(page, "contextSourceIssues");
    const QStringList errors = issueRows(issues, QStringLiteral("Errors"));
    QCOMPARE(errors.size(), 1);
    // file:line, where the unclosed sequence is found (line 5 or where the parser gives up).
    static const QRegularExpression located(QStringLiteral("^models/broken\\.yml:(\\d+) \\| .+"));
    const QRegularExpressionMatch match = located.match(errors.first());
    QVERIFY2(match.hasMatch(), qPrintable(errors.first()));
    QVERIFY2(match.captured(1).toInt() >= 5, qPrintable(errors.first()));
    // The rest of the project is still read.
    const QString summary = child<QLabel>(page, "contextSourceSummary")->text();
    QVERIFY2(summary.startsWith(QStringLiteral("2 models")), qPrintable(summary));
    QVERIFY2(summary.contains(QStringLiteral("1 error")), qPrintable(summary));
    QVERIFY(
        child<QLabel>(page, "contextSourceResult")->text().contains(QStringLiteral("1 problem")));

    // Rows are selectable and Ctrl+C copies them as file:line: message.
    QTreeWidgetItem *errorsGroup = issues->topLevelItem(0);
    QCOMPARE(errorsGroup->text(0), QStringLiteral("Errors (1)"));
    issues->setFocus();
    issues->setCurrentItem(errorsGroup->child(0));
    errorsGroup->child(0)->setSelected(true);
    QTest::keySequence(issues, QKeySequence::Copy);
    QVERIFY2(QApplication::clipboard()->text().startsWith(
                 QStringLiteral("models/broken.yml:") + match.captured(1) + QLatin1String(": ")),
             qPrintable(QApplication::clipboard()->text()));
}

void TestContextSourcesPage::enterOnTheLocationRunsCheck()
{
    const QString dir = newProject(QStringLiteral("enter"));
    QVERIFY(!dir.isEmpty());
    const QString dbt = m_root.filePath(QStringLiteral("enter-dbt"));
    QVERIFY(makeDbtProject(dbt));
    SetupWizard wizard(dir, QStringLiteral("sources"));
    auto *page = openPage(wizard);
    QVERIFY(page);
    // Every step by keyboard: Alt+A adds a source, the folder has focus.
    QVERIFY(QTest::qWaitForWindowActive(&wizard));
    QTest::keyClick(&wizard, Qt::Key_A, Qt::AltModifier);
    QTRY_COMPARE(page->entries().size(), 1); // a mnemonic animates the click
    auto *folder = child<QLineEdit>(page, "contextSourceFolder");
    QTRY_VERIFY(folder->hasFocus());
    QTest::keyClicks(folder, dbt);
    QSignalSpy finished(page, &ContextSourcesPage::checkFinished);
    QTest::keyClick(folder, Qt::Key_Return);
    QVERIFY(page->isChecking());
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, JobTimeoutMs);
    // Enter ran Check and did not press the wizard's Next.
    QCOMPARE(wizard.currentId(), int(SetupWizard::Page_Sources));
    QVERIFY(
        child<QLabel>(page, "contextSourceSummary")->text().startsWith(QStringLiteral("2 models")));
}

void TestContextSourcesPage::everyControlIsReachableByTab()
{
    const QString dir = newProject(QStringLiteral("tab"));
    QVERIFY(!dir.isEmpty());
    SetupWizard wizard(dir, QStringLiteral("sources"));
    auto *page = openPage(wizard);
    QVERIFY(page);
    QVERIFY(QTest::qWaitForWindowActive(&wizard));
    const QString dbt = m_root.filePath(QStringLiteral("tab-dbt"));
    QVERIFY(makeDbtProject(dbt));
    page->addSource();
    child<QLineEdit>(page, "contextSourceFolder")->setText(dbt);
    // The results list takes focus once there are results.
    QSignalSpy finished(page, &ContextSourcesPage::checkFinished);
    page->check();
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, JobTimeoutMs);
    child<QListWidget>(page, "contextSourceList")->setFocus();
    QStringList reached;
    for (int i = 0; i < 40; ++i) {
        QWidget *focus = QApplication::focusWidget();
        QVERIFY(focus);
        reached << focus->objectName();
        QTest::keyClick(focus, Qt::Key_Tab);
    }
    for (const char *name :
         {"contextSourceList", "addContextSource", "removeContextSource", "contextSourceDriver",
          "contextSourceLocal", "contextSourceFolder", "contextSourceBrowse",
          "contextSourceWarehouse", "contextSourceId", "checkContextSource", "contextSourceIssues"})
        QVERIFY2(reached.contains(QLatin1String(name)), name);
}

void TestContextSourcesPage::checkCanBeStoppedAndStaleAnswersAreDropped()
{
    const QString dir = newProject(QStringLiteral("stop"));
    QVERIFY(!dir.isEmpty());
    const QString dbt = m_root.filePath(QStringLiteral("stop-dbt"));
    QVERIFY(makeDbtProject(dbt));
    SetupWizard wizard(dir, QStringLiteral("sources"));
    auto *page = openPage(wizard);
    QVERIFY(page);
    page->addSource();
    child<QLineEdit>(page, "contextSourceFolder")->setText(dbt);
    QSignalSpy finished(page, &ContextSourcesPage::checkFinished);

    page->check();
    QVERIFY(page->isChecking());
    QTest::mouseClick(child<QPushButton>(page, "cancelContextSourceCheck"), Qt::LeftButton);
    QVERIFY(!page->isChecking());
    QVERIFY(!child<QProgressBar>(page, "contextSourceBusy")->isVisible());
    QCOMPARE(child<QLabel>(page, "contextSourceResult")->text(), QStringLiteral("Check stopped."));

    // Editing the location while a check runs makes its answer stale too.
    page->check();
    QVERIFY(page->isChecking());
    child<QLineEdit>(page, "contextSourceFolder")->setText(dbt + QStringLiteral("/models"));
    QVERIFY(!page->isChecking());
    QTest::qWait(500);
    QCOMPARE(finished.count(), 0);
    QVERIFY(child<QLabel>(page, "contextSourceSummary")->text().isEmpty());
}

void TestContextSourcesPage::gitUrlCheckSaysItIsFetchedAtIngest()
{
    const QString dir = newProject(QStringLiteral("git"));
    QVERIFY(!dir.isEmpty());
    SetupWizard wizard(dir, QStringLiteral("sources"));
    auto *page = openPage(wizard);
    QVERIFY(page);
    page->addSource();
    child<QRadioButton>(page, "contextSourceGit")->setChecked(true);
    auto *url = child<QLineEdit>(page, "contextSourceGitUrl");
    QVERIFY(url->isVisible());
    QVERIFY(!child<QLineEdit>(page, "contextSourceFolder")->isVisible());
    url->setText(QStringLiteral("not a url"));
    QVERIFY(!page->currentProblem().isEmpty());
    url->setText(QStringLiteral("https://github.com/acme/analytics.git"));
    QVERIFY(page->currentProblem().isEmpty());
    QSignalSpy finished(page, &ContextSourcesPage::checkFinished);
    page->check();
    QCOMPARE(finished.count(), 1);
    QVERIFY(!page->isChecking());
    const QString text = child<QLabel>(page, "contextSourceResult")->text();
    QVERIFY2(text.contains(QStringLiteral("fetches the repository when it ingests")),
             qPrintable(text));
}

void TestContextSourcesPage::nextWritesSourcesIntoKtxYaml()
{
    const QString dir = newProject(QStringLiteral("write"));
    QVERIFY(!dir.isEmpty());
    // A dbt project inside the project folder is written relative to it.
    const QString dbt = QDir(dir).filePath(QStringLiteral("analytics/jaffle"));
    QVERIFY(makeDbtProject(dbt));

    SetupWizard wizard(dir, QStringLiteral("sources"));
    auto *page = openPage(wizard);
    QVERIFY(page);
    page->addSource();
    child<QLineEdit>(page, "contextSourceFolder")->setText(dbt);
    child<QLineEdit>(page, "contextSourceId")->setText(QStringLiteral("dbt_main"));
    page->addSource();
    QCOMPARE(page->currentIndex(), 1);
    child<QRadioButton>(page, "contextSourceGit")->setChecked(true);
    child<QLineEdit>(page, "contextSourceGitUrl")
        ->setText(QStringLiteral("https://github.com/acme/marts.git"));
    child<QLineEdit>(page, "contextSourceBranch")->setText(QStringLiteral("release"));
    auto *warehouse = child<QComboBox>(page, "contextSourceWarehouse");
    warehouse->setCurrentIndex(warehouse->findData(QString())); // mapped to none
    QCOMPARE(page->entries().at(1).id, QStringLiteral("dbt"));
    QVERIFY(page->hasUnsavedChanges());

    QSignalSpy saved(page, &ContextSourcesPage::saved);
    QSignalSpy failed(page, &ContextSourcesPage::saveFailed);
    wizard.next();
    // Next writes on the pool and moves on when ktx.yaml is saved.
    QVERIFY(page->isSaving());
    QCOMPARE(wizard.currentId(), int(SetupWizard::Page_Sources));
    QTRY_VERIFY_WITH_TIMEOUT(saved.count() + failed.count() > 0, JobTimeoutMs);
    QVERIFY2(failed.isEmpty(),
             failed.isEmpty() ? "" : qPrintable(failed.first().first().toString()));
    QTRY_COMPARE(wizard.currentId(), int(SetupWizard::Page_Agents));

    const QByteArray after = readFile(QDir(dir).filePath(QStringLiteral("ktx.yaml")));
    QVERIFY2(after.contains(handComments), after.constData());
    Result<LoadedConfig> loaded
        = ConfigLoader::loadFile(QDir(dir).filePath(QStringLiteral("ktx.yaml")));
    QVERIFY(loaded.ok());
    QVERIFY2(!loaded->hasErrors(), after.constData());
    const ConnectionConfig *main = loaded->config.connection(QStringLiteral("dbt_main"));
    QVERIFY2(main, after.constData());
    QCOMPARE(main->driver, QStringLiteral("dbt"));
    QCOMPARE(main->field(QStringLiteral("source_dir")), QStringLiteral("analytics/jaffle"));
    QCOMPARE(main->field(QStringLiteral("warehouse")), QStringLiteral("shop"));
    QVERIFY(!main->fields.contains(QStringLiteral("repo_url")));
    const ConnectionConfig *marts = loaded->config.connection(QStringLiteral("dbt"));
    QVERIFY(marts);
    QCOMPARE(marts->field(QStringLiteral("repo_url")),
             QStringLiteral("https://github.com/acme/marts.git"));
    QCOMPARE(marts->field(QStringLiteral("branch")), QStringLiteral("release"));
    QVERIFY(!marts->fields.contains(QStringLiteral("warehouse")));
    QVERIFY(!marts->fields.contains(QStringLiteral("source_dir")));
    QCOMPARE(loaded->config.contextSourceConnectionIds(),
             (QStringList {QStringLiteral("dbt_main"), QStringLiteral("dbt")}));
    QTRY_VERIFY_WITH_TIMEOUT(SetupProgress::load(dir).isCompleted(QStringLiteral("sources")),
                             JobTimeoutMs);
}

void TestContextSourcesPage::existingSourcesLoadAndCanBeRemoved()
{
    const QString dir = newProject(QStringLiteral("existing"));
    QVERIFY(!dir.isEmpty());
    // The dbt project sits in a sub-folder `path` names, as in a monorepo.
    const QString dbt = QDir(dir).filePath(QStringLiteral("analytics/jaffle"));
    QVERIFY(makeDbtProject(dbt));
    {
        Result<ConfigEditor> editor = ConfigEditor::open(dir);
        QVERIFY(editor.ok());
        YamlValue local = YamlValue::mapping();
        local.insert(QStringLiteral("driver"), YamlValue::string(QStringLiteral("dbt")));
        local.insert(QStringLiteral("source_dir"), YamlValue::string(QStringLiteral("analytics")));
        local.insert(QStringLiteral("path"), YamlValue::string(QStringLiteral("jaffle")));
        local.insert(QStringLiteral("warehouse"), YamlValue::string(QStringLiteral("shop")));
        // A key the page does not edit must survive the page's edits.
        local.insert(QStringLiteral("target"), YamlValue::string(QStringLiteral("prod")));
        QVERIFY(editor.value().setConnection(QStringLiteral("dbt_local"), local).ok());
        YamlValue lookml = YamlValue::mapping();
        lookml.insert(QStringLiteral("driver"), YamlValue::string(QStringLiteral("lookml")));
        lookml.insert(QStringLiteral("repoUrl"),
                      YamlValue::string(QStringLiteral("git@github.com:acme/looker.git")));
        QVERIFY(editor.value().setConnection(QStringLiteral("looker_models"), lookml).ok());
        QVERIFY(editor.value().save().ok());
    }

    SetupWizard wizard(dir, QStringLiteral("sources"));
    auto *page = openPage(wizard);
    QVERIFY(page);
    QCOMPARE(page->entries().size(), 2);
    QCOMPARE(child<QListWidget>(page, "contextSourceList")->count(), 2);
    QCOMPARE(page->currentIndex(), 0);
    QCOMPARE(child<QLineEdit>(page, "contextSourceFolder")->text(), QStringLiteral("analytics"));
    QCOMPARE(child<QComboBox>(page, "contextSourceWarehouse")->currentData().toString(),
             QStringLiteral("shop"));
    QVERIFY(!page->hasUnsavedChanges());
    // A relative folder is checked against the project, with its `path` inside.
    QSignalSpy finished(page, &ContextSourcesPage::checkFinished);
    page->check();
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, JobTimeoutMs);
    QVERIFY(
        child<QLabel>(page, "contextSourceSummary")->text().startsWith(QStringLiteral("2 models")));

    child<QListWidget>(page, "contextSourceList")->setCurrentRow(1);
    QCOMPARE(child<QComboBox>(page, "contextSourceDriver")->currentData().toString(),
             QStringLiteral("lookml"));
    QVERIFY(child<QRadioButton>(page, "contextSourceGit")->isChecked());
    QTest::mouseClick(child<QPushButton>(page, "removeContextSource"), Qt::LeftButton);
    QCOMPARE(page->entries().size(), 1);
    child<QListWidget>(page, "contextSourceList")->setCurrentRow(0);
    child<QLineEdit>(page, "contextSourceBranch")->setText(QStringLiteral("unused"));
    QVERIFY(page->hasUnsavedChanges());

    QSignalSpy saved(page, &ContextSourcesPage::saved);
    page->save();
    QTRY_COMPARE_WITH_TIMEOUT(saved.count(), 1, JobTimeoutMs);
    Result<LoadedConfig> loaded
        = ConfigLoader::loadFile(QDir(dir).filePath(QStringLiteral("ktx.yaml")));
    QVERIFY(loaded.ok());
    QVERIFY(!loaded->config.connection(QStringLiteral("looker_models")));
    const ConnectionConfig *local = loaded->config.connection(QStringLiteral("dbt_local"));
    QVERIFY(local);
    QCOMPARE(local->field(QStringLiteral("source_dir")), QStringLiteral("analytics"));
    QCOMPARE(local->field(QStringLiteral("path")), QStringLiteral("jaffle"));
    QCOMPARE(local->field(QStringLiteral("target")), QStringLiteral("prod"));
    // A branch belongs to a git location only.
    QVERIFY(!local->fields.contains(QStringLiteral("branch")));
    QVERIFY(loaded->config.connection(QStringLiteral("shop")));
    QVERIFY(!page->hasUnsavedChanges());
}

void TestContextSourcesPage::rejectsInvalidAndDuplicateIds()
{
    const QString dir = newProject(QStringLiteral("ids"));
    QVERIFY(!dir.isEmpty());
    SetupWizard wizard(dir, QStringLiteral("sources"));
    auto *page = openPage(wizard);
    QVERIFY(page);
    page->addSource();
    child<QLineEdit>(page, "contextSourceFolder")->setText(m_root.filePath(QStringLiteral("x")));
    auto *id = child<QLineEdit>(page, "contextSourceId");
    auto *message = child<QLabel>(page, "contextSourceIdMessage");
    QVERIFY(page->currentProblem().isEmpty());
    QVERIFY(!message->isVisible());
    // The warehouse's id is taken.
    id->setText(QStringLiteral("shop"));
    QVERIFY(message->isVisible());
    QVERIFY2(message->text().contains(QStringLiteral("already has a connection named “shop”")),
             qPrintable(message->text()));
    // Two sources with one id.
    id->setText(QStringLiteral("dbt"));
    QVERIFY(page->currentProblem().isEmpty());
    page->addSource();
    QCOMPARE(page->entries().at(1).id, QStringLiteral("dbt_2"));
    child<QLineEdit>(page, "contextSourceFolder")->setText(m_root.filePath(QStringLiteral("y")));
    id->setText(QStringLiteral("dbt"));
    QVERIFY(message->text().contains(QStringLiteral("Two sources")));
    id->setText(QStringLiteral("-bad"));
    QVERIFY(message->text().contains(QStringLiteral("letters, digits")));

    // Next stays on the page and writes nothing.
    const QByteArray before = readFile(QDir(dir).filePath(QStringLiteral("ktx.yaml")));
    wizard.next();
    QCOMPARE(wizard.currentId(), int(SetupWizard::Page_Sources));
    QVERIFY(!page->isSaving());
    QCOMPARE(readFile(QDir(dir).filePath(QStringLiteral("ktx.yaml"))), before);
    // An empty folder is a problem Next names too.
    id->setText(QStringLiteral("dbt_second"));
    child<QLineEdit>(page, "contextSourceFolder")->clear();
    wizard.next();
    QCOMPARE(wizard.currentId(), int(SetupWizard::Page_Sources));
    QCOMPARE(child<QLabel>(page, "contextSourceResult")->text(),
             QStringLiteral("Choose the project's folder."));
}

void TestContextSourcesPage::screenshots()
{
    // Only for documentation: KTX_SCREENSHOT_DIR=/tmp/shots tst_contextsourcespage screenshots
    const QString out = qEnvironmentVariable("KTX_SCREENSHOT_DIR");
    if (out.isEmpty())
        QSKIP("set KTX_SCREENSHOT_DIR to write screenshots");
    QDir().mkpath(out);
    const QString dir = newProject(QStringLiteral("shots"));
    const QString dbt = QDir(dir).filePath(QStringLiteral("analytics"));
    QVERIFY(makeDbtProject(dbt));
    const QString broken = QDir(dir).filePath(QStringLiteral("broken"));
    QVERIFY(makeDbtProject(broken));
    QVERIFY(writeFile(broken + QStringLiteral("/models/broken.yml"), brokenYaml));
    for (const auto &[scheme, name] :
         {std::pair {ColorScheme::Scheme::Light, "light"}, {ColorScheme::Scheme::Dark, "dark"}}) {
        ColorScheme::apply(scheme);
        SetupWizard wizard(dir, QStringLiteral("sources"));
        wizard.resize(820, 620);
        auto *page = openPage(wizard);
        QVERIFY(page);
        QSignalSpy finished(page, &ContextSourcesPage::checkFinished);
        page->addSource();
        child<QLineEdit>(page, "contextSourceFolder")->setText(dbt);
        child<QLineEdit>(page, "contextSourceId")->setText(QStringLiteral("dbt_main"));
        page->check();
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, JobTimeoutMs);
        QTest::qWait(50);
        QVERIFY(wizard.grab().save(QStringLiteral("%1/sources-dbt-ok-%2.png").arg(out, name)));

        page->addSource();
        child<QLineEdit>(page, "contextSourceFolder")->setText(broken);
        child<QLineEdit>(page, "contextSourceId")->setText(QStringLiteral("dbt_legacy"));
        page->check();
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 2, JobTimeoutMs);
        QTest::qWait(50);
        QVERIFY(wizard.grab().save(QStringLiteral("%1/sources-dbt-errors-%2.png").arg(out, name)));
    }
}

QTEST_MAIN(TestContextSourcesPage)
#include "tst_contextsourcespage.moc"
