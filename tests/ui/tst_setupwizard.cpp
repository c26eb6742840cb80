#include "git/gitrepository.h"
#include "project/projectscaffold.h"
#include "project/setupprogress.h"
#include "ui/setupfield.h"
#include "ui/setupwizard.h"

#include <QAbstractButton>
#include <QDir>
#include <QFile>
#include <QLabel>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using namespace ktx;

namespace {

constexpr int CreateTimeoutMs = 20000;

QString messageOf(SetupWizard &wizard)
{
    auto *label = wizard.page(SetupWizard::Page_Project)
                      ->findChild<QLabel *>(QStringLiteral("locationMessage"));
    return label ? label->text() : QString();
}

} // namespace

class TestSetupWizard : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void folderIsMandatory();
    void refusesWhatTheScaffoldWouldRefuse();
    void createsANewProject();
    void scaffoldErrorStaysInThePage();
    void createsTheDemoProject();
    void resumesOnTheSavedPage();
    void startsAtARequestedStep();

private:
    QTemporaryDir m_root;
};

void TestSetupWizard::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    QCoreApplication::setOrganizationName(QStringLiteral("ktx-tests"));
    QCoreApplication::setApplicationName(QStringLiteral("tst_setupwizard"));
    QVERIFY(m_root.isValid());
}

void TestSetupWizard::folderIsMandatory()
{
    SetupWizard wizard({});
    wizard.show();
    QCOMPARE(wizard.currentId(), int(SetupWizard::Page_Project));
    QCOMPARE(wizard.field(SetupField::ProjectMode).toString(), QStringLiteral("new"));
    QVERIFY(!wizard.currentPage()->isComplete());
    QVERIFY(!wizard.button(QWizard::NextButton)->isEnabled());

    wizard.setField(SetupField::ProjectDir, m_root.filePath(QStringLiteral("fresh")));
    QVERIFY(wizard.currentPage()->isComplete());
    QVERIFY(wizard.button(QWizard::NextButton)->isEnabled());

    // "Open" needs a folder that is a project.
    wizard.setField(SetupField::ProjectMode, QStringLiteral("open"));
    wizard.setField(SetupField::ProjectDir, m_root.filePath(QStringLiteral("fresh")));
    QVERIFY(!wizard.currentPage()->isComplete());
    QVERIFY(messageOf(wizard).contains(QStringLiteral("ktx.yaml")));
}

void TestSetupWizard::refusesWhatTheScaffoldWouldRefuse()
{
    const QString gitRoot = m_root.filePath(QStringLiteral("already-git"));
    QVERIFY(GitRepository::init(gitRoot).ok());
    const QString busy = m_root.filePath(QStringLiteral("has-files"));
    QVERIFY(QDir().mkpath(busy));
    QFile note(busy + QStringLiteral("/notes.txt"));
    QVERIFY(note.open(QIODevice::WriteOnly));
    note.close();

    SetupWizard wizard({});
    wizard.show();
    wizard.setField(SetupField::ProjectDir, gitRoot);
    QVERIFY(!wizard.currentPage()->isComplete());
    QVERIFY(messageOf(wizard).contains(QStringLiteral("git repository")));

    // A non-empty folder needs explicit consent.
    wizard.setField(SetupField::ProjectDir, busy);
    QVERIFY(!wizard.currentPage()->isComplete());
    QVERIFY(messageOf(wizard).contains(QStringLiteral("not empty")));
    wizard.setField(SetupField::AllowNonEmpty, true);
    QVERIFY(wizard.currentPage()->isComplete());
}

void TestSetupWizard::createsANewProject()
{
    const QString dir = m_root.filePath(QStringLiteral("sales"));
    SetupWizard wizard({});
    QSignalSpy ready(&wizard, &SetupWizard::projectReady);
    wizard.show();
    wizard.setField(SetupField::ProjectMode, QStringLiteral("new"));
    wizard.setField(SetupField::ProjectDir, dir);
    wizard.setField(SetupField::ProjectName, QStringLiteral("Sales analytics"));
    QVERIFY(wizard.currentPage()->isComplete());
    wizard.next();
    QCOMPARE(wizard.currentId(), int(SetupWizard::Page_Summary));
    auto *summary = wizard.currentPage()->findChild<QLabel *>(QStringLiteral("summaryText"));
    QVERIFY(summary);
    QVERIFY(summary->text().contains(QDir::toNativeSeparators(QDir::cleanPath(dir))));
    QVERIFY(!QFile::exists(dir + QStringLiteral("/ktx.yaml"))); // nothing before Finish

    wizard.button(QWizard::FinishButton)->click();
    QTRY_COMPARE_WITH_TIMEOUT(ready.size(), 1, CreateTimeoutMs);
    QCOMPARE(ready.at(0).at(0).toString(), QDir::cleanPath(dir));
    QVERIFY(QFile::exists(dir + QStringLiteral("/ktx.yaml")));
    QVERIFY(GitRepository::isRepositoryRoot(dir));
    QVERIFY(!wizard.isVisible());
    QCOMPARE(wizard.result(), int(QDialog::Accepted));
    QTRY_VERIFY_WITH_TIMEOUT(SetupProgress::load(dir).isCompleted(QStringLiteral("project")),
                             CreateTimeoutMs);
}

void TestSetupWizard::scaffoldErrorStaysInThePage()
{
    const QString dir = m_root.filePath(QStringLiteral("raced"));
    SetupWizard wizard({});
    QSignalSpy ready(&wizard, &SetupWizard::projectReady);
    wizard.show();
    wizard.setField(SetupField::ProjectDir, dir);
    wizard.next();
    QCOMPARE(wizard.currentId(), int(SetupWizard::Page_Summary));

    // Something else makes the folder a git root between review and Finish.
    QVERIFY(GitRepository::init(dir).ok());
    wizard.button(QWizard::FinishButton)->click();
    auto *error = wizard.currentPage()->findChild<QLabel *>(QStringLiteral("summaryError"));
    QVERIFY(error);
    QTRY_VERIFY_WITH_TIMEOUT(!error->text().isEmpty(), CreateTimeoutMs);
    QTRY_VERIFY(wizard.currentPage()->isComplete()); // Finish can be retried
    QVERIFY(error->text().contains(QStringLiteral("git repository")));
    QVERIFY(wizard.isVisible());
    QCOMPARE(wizard.currentId(), int(SetupWizard::Page_Summary));
    QCOMPARE(ready.size(), 0);
    QVERIFY(!QFile::exists(dir + QStringLiteral("/ktx.yaml")));
    QVERIFY(wizard.button(QWizard::BackButton)->isEnabled());
}

void TestSetupWizard::createsTheDemoProject()
{
    const QString dir = m_root.filePath(QStringLiteral("demo"));
    SetupWizard wizard({});
    QSignalSpy ready(&wizard, &SetupWizard::projectReady);
    wizard.show();
    wizard.setField(SetupField::ProjectMode, QStringLiteral("demo"));
    // The demo has its own default folder; the test puts it somewhere private.
    QVERIFY(!wizard.field(SetupField::ProjectDir).toString().isEmpty());
    wizard.setField(SetupField::ProjectDir, dir);
    wizard.next();
    QCOMPARE(wizard.currentId(), int(SetupWizard::Page_Summary));
    wizard.button(QWizard::FinishButton)->click();
    QVERIFY(wizard.isBusy());
    QVERIFY(!wizard.button(QWizard::FinishButton)->isEnabled());
    wizard.reject(); // refused while the demo is being written
    QVERIFY(wizard.isVisible());
    QTRY_COMPARE_WITH_TIMEOUT(ready.size(), 1, CreateTimeoutMs);
    QVERIFY(QFile::exists(dir + QStringLiteral("/ktx.yaml")));
    QVERIFY(GitRepository::isRepositoryRoot(dir));
}

void TestSetupWizard::resumesOnTheSavedPage()
{
    const QString dir = m_root.filePath(QStringLiteral("resume"));
    QVERIFY(ProjectScaffold::create(dir, {}).ok());
    {
        SetupWizard wizard(dir);
        wizard.show();
        QCOMPARE(wizard.currentId(), int(SetupWizard::Page_Project));
        // An existing project opens as "open" on that folder.
        QCOMPARE(wizard.field(SetupField::ProjectMode).toString(), QStringLiteral("open"));
        QCOMPARE(wizard.field(SetupField::ProjectDir).toString(), QDir::cleanPath(dir));
        wizard.setField(SetupField::ProjectName, QStringLiteral("Resumed"));
        wizard.next();
        // An existing project offers its model, databases, context sources and agents
        // before the summary.
        QCOMPARE(wizard.currentId(), int(SetupWizard::Page_Llm));
        wizard.next();
        QCOMPARE(wizard.currentId(), int(SetupWizard::Page_Databases));
        wizard.next();
        QCOMPARE(wizard.currentId(), int(SetupWizard::Page_Sources));
        // The sources page reads ktx.yaml on the pool before Next is enabled.
        QTRY_VERIFY_WITH_TIMEOUT(wizard.currentPage()->isComplete(), CreateTimeoutMs);
        wizard.next();
        QCOMPARE(wizard.currentId(), int(SetupWizard::Page_Agents));
        wizard.next();
        QCOMPARE(wizard.currentId(), int(SetupWizard::Page_Summary));
        QTRY_COMPARE_WITH_TIMEOUT(SetupProgress::load(dir).currentPage, QStringLiteral("summary"),
                                  CreateTimeoutMs);
        wizard.reject(); // closed mid-way
    }

    SetupWizard reopened(dir);
    reopened.show();
    QCOMPARE(reopened.currentId(), int(SetupWizard::Page_Summary));
    QCOMPARE(reopened.field(SetupField::ProjectName).toString(), QStringLiteral("Resumed"));
    QCOMPARE(reopened.field(SetupField::ProjectDir).toString(), QDir::cleanPath(dir));
    // Back still leads through the earlier pages.
    reopened.back();
    QCOMPARE(reopened.currentId(), int(SetupWizard::Page_Agents));
    reopened.back();
    QCOMPARE(reopened.currentId(), int(SetupWizard::Page_Sources));
    reopened.back();
    QCOMPARE(reopened.currentId(), int(SetupWizard::Page_Databases));
    reopened.back();
    QCOMPARE(reopened.currentId(), int(SetupWizard::Page_Llm));
    reopened.back();
    QCOMPARE(reopened.currentId(), int(SetupWizard::Page_Project));
}

void TestSetupWizard::startsAtARequestedStep()
{
    const QString dir = m_root.filePath(QStringLiteral("fix"));
    QVERIFY(ProjectScaffold::create(dir, {}).ok());
    SetupWizard wizard(dir, QStringLiteral("project"));
    wizard.show();
    QCOMPARE(wizard.currentId(), int(SetupWizard::Page_Project));
    QCOMPARE(SetupWizard::pageForStep(QStringLiteral("embeddings")), -1);
    QVERIFY(SetupWizard::availableSteps().contains(QStringLiteral("project")));
    QVERIFY(!SetupWizard::availableSteps().contains(QStringLiteral("summary")));
}

QTEST_MAIN(TestSetupWizard)
#include "tst_setupwizard.moc"
