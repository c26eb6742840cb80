#include "databasespage.h"

#include "colorscheme.h"
#include "core/secretredactor.h"
#include "db/connectionsettings.h"
#include "db/databasesession.h"
#include "project/configeditor.h"
#include "project/configloader.h"
#include "project/projectconfig.h"
#include "project/projectfolderstate.h"
#include "project/secretref.h"
#include "project/yamlvalue.h"
#include "semantic/sourcefilename.h"
#include "setupfield.h"
#include "setupwizard.h"
#include "stateicon.h"

#include <QComboBox>
#include <QDir>
#include <QEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QFutureWatcher>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QRegularExpression>
#include <QRegularExpressionValidator>
#include <QSpinBox>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

namespace ktx {

namespace {

constexpr int ResultIconSize = 16;

struct TestOutcome
{
    bool ok = false;
    int tables = 0;
    QString message;
    QString hint;
};

struct AddRequest
{
    QString projectDir;
    QString id;
    YamlValue fields;
    QString password; // stored as a secret when storeSecret; never written to ktx.yaml
    bool storeSecret = false;
};

// Worker: resolve settings, open a read-only session, count the tables.
TestOutcome runTest(const ConnectionConfig &config, const QString &projectDir,
                    const QString &password)
{
    TestOutcome outcome;
    Result<ConnectionSettings> settings = ConnectionSettings::fromConfig(config, projectDir);
    if (!settings.ok()) {
        outcome.message = settings.error().message;
        outcome.hint = settings.error().hint;
        return outcome;
    }
    if (!password.isEmpty()) {
        SecretRedactor::registerSecret(password);
        settings->password = password;
    }
    Result<std::unique_ptr<DatabaseSession>> session = DatabaseSession::open(*settings);
    if (!session.ok()) {
        outcome.message = session.error().message;
        outcome.hint = session.error().hint;
        return outcome;
    }
    Result<SchemaSnapshot> snapshot = (*session)->introspect();
    if (!snapshot.ok()) {
        outcome.message = snapshot.error().message;
        outcome.hint = snapshot.error().hint;
        return outcome;
    }
    outcome.ok = true;
    outcome.tables = int(snapshot->tables.size());
    return outcome;
}

// Worker: store the secret, then edit ktx.yaml (comments kept) and commit it.
Result<void> runAdd(AddRequest request)
{
    const QString configPath = QDir(request.projectDir).filePath(QStringLiteral("ktx.yaml"));
    Result<LoadedConfig> loaded = ConfigLoader::loadFile(configPath);
    if (!loaded.ok())
        return loaded.error();
    if (loaded->config.connection(request.id))
        return makeError(
            QStringLiteral("connection_exists"),
            QStringLiteral("ktx.yaml already has a connection named “%1”.").arg(request.id),
            QStringLiteral("Choose another connection id."));
    Result<ConfigEditor> editor = ConfigEditor::open(request.projectDir);
    if (!editor.ok())
        return editor.error();
    if (request.storeSecret && !request.password.isEmpty()) {
        Result<QString> ref = SecretStore::store(
            request.projectDir, request.id + QStringLiteral("-password"), request.password);
        if (!ref.ok())
            return ref.error();
        request.fields.insert(QStringLiteral("password"), YamlValue::string(*ref));
    }
    if (Result<void> r = editor->setConnection(request.id, request.fields); !r.ok())
        return r;
    // An explicit list of warehouse ids hides connections it does not name.
    if (const auto &ids = loaded->config.setup.databaseConnectionIds;
        ids && !ids->contains(request.id)) {
        if (Result<void> r
            = editor->set({QStringLiteral("setup"), QStringLiteral("database_connection_ids")},
                          YamlValue::stringList(*ids + QStringList {request.id}));
            !r.ok())
            return r;
    }
    return editor->saveAndCommit(
        QStringLiteral("setup: add database connection %1").arg(request.id));
}

QString sanitizedId(const QString &text)
{
    QString id;
    for (const QChar c : text) {
        const bool allowed = (c.isLetterOrNumber() && c.unicode() < 128) || c == QLatin1Char('_')
            || c == QLatin1Char('-');
        id += allowed ? c : QLatin1Char('_');
    }
    if (id.startsWith(QLatin1Char('-')))
        id.prepend(QLatin1Char('_'));
    return id;
}

} // namespace

DatabasesPage::DatabasesPage(QWidget *parent)
    : QWizardPage(parent)
{
    setTitle(tr("Databases"));
    setSubTitle(tr("Connect the warehouse ktx should describe. ktx only ever reads from it: "
                   "sessions are read-only and every query is checked."));

    m_driver = new QComboBox(this);
    m_driver->setObjectName(QStringLiteral("databaseDriver"));
    m_driver->addItem(tr("SQLite"), QStringLiteral("sqlite"));
    m_driver->addItem(tr("PostgreSQL"), QStringLiteral("postgres"));
    m_driver->addItem(tr("MySQL / MariaDB"), QStringLiteral("mysql"));

    m_fileRow = new QWidget(this);
    auto *fileLayout = new QHBoxLayout(m_fileRow);
    fileLayout->setContentsMargins(0, 0, 0, 0);
    m_file = new QLineEdit(m_fileRow);
    m_file->setObjectName(QStringLiteral("sqliteFile"));
    m_file->setPlaceholderText(tr("path/to/warehouse.sqlite"));
    m_file->setClearButtonEnabled(true);
    auto *browse = new QPushButton(tr("&Browse…"), m_fileRow);
    connect(browse, &QPushButton::clicked, this, &DatabasesPage::chooseFile);
    fileLayout->addWidget(m_file, 1);
    fileLayout->addWidget(browse);

    m_host = new QLineEdit(this);
    m_host->setObjectName(QStringLiteral("databaseHost"));
    m_host->setPlaceholderText(QStringLiteral("localhost"));
    m_port = new QSpinBox(this);
    m_port->setObjectName(QStringLiteral("databasePort"));
    m_port->setRange(1, 65535);
    m_port->setValue(5432);
    m_port->setGroupSeparatorShown(false);
    m_database = new QLineEdit(this);
    m_database->setObjectName(QStringLiteral("databaseName"));
    m_user = new QLineEdit(this);
    m_user->setObjectName(QStringLiteral("databaseUser"));

    auto *passwordRow = new QWidget(this);
    auto *passwordLayout = new QHBoxLayout(passwordRow);
    passwordLayout->setContentsMargins(0, 0, 0, 0);
    m_passwordSource = new QComboBox(passwordRow);
    m_passwordSource->setObjectName(QStringLiteral("passwordSource"));
    m_passwordSource->addItem(tr("Store as a local secret"), QStringLiteral("secret"));
    m_passwordSource->addItem(tr("Read from environment variable"), QStringLiteral("env"));
    m_passwordSource->setAccessibleName(tr("Password source"));
    m_password = new QLineEdit(passwordRow);
    m_password->setObjectName(QStringLiteral("databasePassword"));
    m_password->setEchoMode(QLineEdit::Password);
    m_password->setPlaceholderText(tr("password"));
    m_password->setAccessibleName(tr("Password"));
    m_passwordEnv = new QLineEdit(passwordRow);
    m_passwordEnv->setObjectName(QStringLiteral("passwordEnv"));
    m_passwordEnv->setPlaceholderText(QStringLiteral("WAREHOUSE_PASSWORD"));
    m_passwordEnv->setAccessibleName(tr("Environment variable"));
    m_passwordEnv->setValidator(new QRegularExpressionValidator(
        QRegularExpression(QStringLiteral("[A-Za-z_][A-Za-z0-9_]*")), m_passwordEnv));
    passwordLayout->addWidget(m_passwordSource);
    passwordLayout->addWidget(m_password, 1);
    passwordLayout->addWidget(m_passwordEnv, 1);

    m_schemas = new QLineEdit(this);
    m_schemas->setObjectName(QStringLiteral("databaseSchemas"));
    m_schemas->setPlaceholderText(tr("public, sales"));
    m_sslMode = new QComboBox(this);
    m_sslMode->setObjectName(QStringLiteral("databaseSslMode"));
    for (const char *mode : {"prefer", "disable", "allow", "require", "verify-ca", "verify-full"})
        m_sslMode->addItem(QLatin1String(mode));

    m_id = new QLineEdit(this);
    m_id->setObjectName(QStringLiteral("connectionId"));
    m_id->setValidator(new QRegularExpressionValidator(
        QRegularExpression(QStringLiteral("[A-Za-z0-9_][A-Za-z0-9_-]*")), m_id));
    m_idMessage = new QLabel(this);
    m_idMessage->setObjectName(QStringLiteral("connectionIdMessage"));
    m_idMessage->setWordWrap(true);

    m_form = new QFormLayout;
    m_form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    m_form->setVerticalSpacing(8);
    m_form->addRow(tr("&Database type:"), m_driver);
    m_form->addRow(tr("&File:"), m_fileRow);
    m_form->addRow(tr("&Host:"), m_host);
    m_form->addRow(tr("P&ort:"), m_port);
    m_form->addRow(tr("Data&base:"), m_database);
    m_form->addRow(tr("&User:"), m_user);
    m_form->addRow(tr("&Password:"), passwordRow);
    m_form->addRow(tr("&Schemas:"), m_schemas);
    m_form->addRow(tr("SS&L mode:"), m_sslMode);
    m_form->addRow(tr("Connection &id:"), m_id);
    m_form->addRow(QString(), m_idMessage);
    // The password row's label points at the field that takes the typing.
    if (auto *label = qobject_cast<QLabel *>(m_form->labelForField(passwordRow)))
        label->setBuddy(m_passwordSource);
    if (auto *label = qobject_cast<QLabel *>(m_form->labelForField(m_fileRow)))
        label->setBuddy(m_file);

    m_test = new QPushButton(tr("&Test Connection"), this);
    m_test->setObjectName(QStringLiteral("testConnection"));
    m_add = new QPushButton(tr("&Add Connection"), this);
    m_add->setObjectName(QStringLiteral("addConnection"));
    m_busy = new QProgressBar(this);
    m_busy->setObjectName(QStringLiteral("connectionBusy"));
    m_busy->setRange(0, 0);
    m_busy->setTextVisible(false);
    m_busy->setFixedSize(72, 8);
    m_busy->hide();
    auto *buttons = new QHBoxLayout;
    buttons->addWidget(m_test);
    buttons->addWidget(m_add);
    buttons->addSpacing(8);
    buttons->addWidget(m_busy);
    buttons->addStretch(1);

    auto *resultRow = new QHBoxLayout;
    resultRow->setSpacing(8);
    m_resultIcon = new QLabel(this);
    m_resultIcon->setFixedSize(ResultIconSize, ResultIconSize);
    m_result = new QLabel(this);
    m_result->setObjectName(QStringLiteral("connectionTestResult"));
    m_result->setWordWrap(true);
    m_result->setTextFormat(Qt::PlainText);
    m_result->setTextInteractionFlags(Qt::TextSelectableByMouse);
    resultRow->addWidget(m_resultIcon, 0, Qt::AlignTop);
    resultRow->addWidget(m_result, 1);

    m_addedLabel = new QLabel(this);
    m_addedLabel->setObjectName(QStringLiteral("addedConnections"));
    m_addedLabel->setWordWrap(true);
    m_addedLabel->hide();

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(m_form);
    layout->addSpacing(6);
    layout->addLayout(buttons);
    layout->addLayout(resultRow);
    layout->addWidget(m_addedLabel);
    layout->addStretch(1);

    registerField(SetupField::DatabaseDriver, this, "driver", SIGNAL(driverChanged()));
    registerField(SetupField::DatabaseFile, m_file);
    registerField(SetupField::DatabaseHost, m_host);
    registerField(SetupField::DatabasePort, m_port);
    registerField(SetupField::DatabaseName, m_database);
    registerField(SetupField::DatabaseUser, m_user);
    registerField(SetupField::DatabaseSchemas, m_schemas);
    registerField(SetupField::DatabaseSslMode, m_sslMode, "currentText",
                  SIGNAL(currentTextChanged(QString)));
    registerField(SetupField::DatabasePasswordSource, this, "passwordSource",
                  SIGNAL(passwordSourceChanged()));
    registerField(SetupField::DatabasePasswordEnv, m_passwordEnv);
    registerField(SetupField::DatabaseConnectionId, m_id);

    connect(m_driver, &QComboBox::currentIndexChanged, this, [this] {
        updateForm();
        Q_EMIT driverChanged();
    });
    connect(m_passwordSource, &QComboBox::currentIndexChanged, this, [this] {
        updateForm();
        Q_EMIT passwordSourceChanged();
    });
    connect(m_id, &QLineEdit::textEdited, this,
            [this](const QString &text) { m_idEdited = !text.isEmpty(); });
    for (QLineEdit *edit :
         {m_file, m_host, m_database, m_user, m_password, m_passwordEnv, m_schemas, m_id})
        connect(edit, &QLineEdit::textChanged, this, &DatabasesPage::onInputChanged);
    connect(m_port, &QSpinBox::valueChanged, this, &DatabasesPage::onInputChanged);
    connect(m_sslMode, &QComboBox::currentIndexChanged, this, &DatabasesPage::onInputChanged);
    connect(m_test, &QPushButton::clicked, this, &DatabasesPage::testConnection);
    connect(m_add, &QPushButton::clicked, this, &DatabasesPage::addConnection);

    m_lastDriver = driver();
    updateForm();
    showResult(Tone::None, {});
}

QString DatabasesPage::driver() const
{
    return m_driver->currentData().toString();
}

void DatabasesPage::setDriver(const QString &driver)
{
    const int index = m_driver->findData(driver);
    if (index >= 0)
        m_driver->setCurrentIndex(index);
}

QString DatabasesPage::passwordSource() const
{
    return m_passwordSource->currentData().toString();
}

void DatabasesPage::setPasswordSource(const QString &source)
{
    const int index = m_passwordSource->findData(source);
    if (index >= 0)
        m_passwordSource->setCurrentIndex(index);
}

QString DatabasesPage::projectDir() const
{
    const ProjectFolderState folder
        = ProjectFolderState::inspect(field(SetupField::ProjectDir).toString());
    return folder.hasConfig ? folder.path : QString();
}

QString DatabasesPage::connectionId() const
{
    const QString typed = m_id->text().trimmed();
    return typed.isEmpty() ? suggestedId() : typed;
}

QString DatabasesPage::suggestedId() const
{
    QString base;
    if (driver() == QLatin1String("sqlite"))
        base = QFileInfo(m_file->text().trimmed()).completeBaseName();
    else
        base = m_database->text().trimmed();
    base = sanitizedId(base);
    if (base.isEmpty())
        base = m_existingIds.isEmpty() ? QStringLiteral("warehouse") : driver();
    QString id = base;
    for (int n = 2; m_existingIds.contains(id); ++n)
        id = QStringLiteral("%1_%2").arg(base).arg(n);
    return id;
}

QString DatabasesPage::idProblem() const
{
    const QString id = connectionId();
    if (!SourceFileName::isValidConnectionId(id))
        return tr("Use letters, digits, “_” and “-” only, not starting with “-”.");
    if (m_existingIds.contains(id))
        return tr("ktx.yaml already has a connection named “%1”.").arg(id);
    return {};
}

void DatabasesPage::initializePage()
{
    updateForm();
    const QString dir = projectDir();
    if (dir.isEmpty())
        return;
    // ktx.yaml is parsed on the pool: the ids already taken, for validation.
    const quint64 generation = ++m_idsGeneration;
    auto *watcher = new QFutureWatcher<QStringList>(this);
    connect(watcher, &QFutureWatcher<QStringList>::finished, this, [this, watcher, generation] {
        watcher->deleteLater();
        if (generation != m_idsGeneration)
            return;
        m_existingIds = watcher->result() + m_added;
        m_existingIds.removeDuplicates();
        updateForm();
    });
    watcher->setFuture(QtConcurrent::run([dir] {
        QStringList ids;
        Result<LoadedConfig> loaded
            = ConfigLoader::loadFile(QDir(dir).filePath(QStringLiteral("ktx.yaml")));
        if (loaded.ok()) {
            for (const ConnectionConfig &c : loaded->config.connections)
                ids << c.id;
        }
        return ids;
    }));
}

bool DatabasesPage::isComplete() const
{
    // Adding a connection is optional; only an unfinished write holds Next back.
    return !m_saving;
}

int DatabasesPage::nextId() const
{
    return SetupWizard::Page_Summary;
}

void DatabasesPage::changeEvent(QEvent *event)
{
    QWizardPage::changeEvent(event);
    if (event->type() == QEvent::PaletteChange)
        updateColors();
}

void DatabasesPage::chooseFile()
{
    const QString start = m_file->text().isEmpty() ? projectDir() : m_file->text();
    const QString file = QFileDialog::getOpenFileName(
        this, tr("Choose the SQLite database"), start,
        tr("SQLite databases (*.sqlite *.sqlite3 *.db *.db3);;All files (*)"));
    if (!file.isEmpty())
        m_file->setText(QDir::toNativeSeparators(file));
}

void DatabasesPage::onInputChanged()
{
    // Any edit makes a running test's answer stale.
    if (m_testing) {
        ++m_testGeneration;
        m_testing = false;
        showResult(Tone::None, {});
    } else if (m_tone != Tone::None && sender() != m_id) {
        showResult(Tone::None, {});
    }
    updateButtons();
}

void DatabasesPage::updateForm()
{
    const QString current = driver();
    const bool sqlite = current == QLatin1String("sqlite");
    const bool postgres = current == QLatin1String("postgres");
    if (current != m_lastDriver) {
        // Keep a port the person typed; swap only the other driver's default.
        if (m_port->value() == 5432 || m_port->value() == 3306)
            m_port->setValue(postgres ? 5432 : 3306);
        m_lastDriver = current;
    }
    m_form->setRowVisible(m_fileRow, sqlite);
    m_form->setRowVisible(m_host, !sqlite);
    m_form->setRowVisible(m_port, !sqlite);
    m_form->setRowVisible(m_database, !sqlite);
    m_form->setRowVisible(m_user, !sqlite);
    m_form->setRowVisible(m_password->parentWidget(), !sqlite);
    m_form->setRowVisible(m_schemas, postgres);
    m_form->setRowVisible(m_sslMode, postgres);
    const bool env = passwordSource() == QLatin1String("env");
    m_password->setVisible(!env);
    m_passwordEnv->setVisible(env);
    m_id->setPlaceholderText(suggestedId());
    updateButtons();
}

void DatabasesPage::updateButtons()
{
    const QString problem = idProblem();
    m_idMessage->setText(problem);
    m_idMessage->setVisible(!problem.isEmpty());
    const bool sqlite = driver() == QLatin1String("sqlite");
    const bool filled
        = sqlite ? !m_file->text().trimmed().isEmpty() : !m_host->text().trimmed().isEmpty();
    const bool envOk
        = sqlite || passwordSource() != QLatin1String("env") || !m_passwordEnv->text().isEmpty();
    const bool haveProject = !projectDir().isEmpty();
    m_test->setEnabled(filled && envOk && !m_saving);
    m_add->setEnabled(filled && envOk && problem.isEmpty() && !m_saving && haveProject);
    m_busy->setVisible(m_testing || m_saving);
    m_id->setPlaceholderText(suggestedId());
}

void DatabasesPage::testConnection()
{
    if (!m_test->isEnabled())
        return;
    const quint64 generation = ++m_testGeneration;
    const QString dir = projectDir();
    ConnectionConfig config;
    config.id = connectionId();
    config.driver = driver();
    QString password;
    if (config.driver == QLatin1String("sqlite")) {
        config.fields.insert(QStringLiteral("path"), m_file->text().trimmed());
    } else {
        config.fields.insert(QStringLiteral("host"), m_host->text().trimmed());
        config.fields.insert(QStringLiteral("port"), QString::number(m_port->value()));
        config.fields.insert(QStringLiteral("database"), m_database->text().trimmed());
        config.fields.insert(QStringLiteral("username"), m_user->text().trimmed());
        if (passwordSource() == QLatin1String("env"))
            config.fields.insert(QStringLiteral("password"),
                                 QString(QStringLiteral("env:") + m_passwordEnv->text()));
        else
            password = m_password->text(); // handed to the session only, never to a file
        if (config.driver == QLatin1String("postgres")) {
            config.fields.insert(QStringLiteral("schemas"),
                                 m_schemas->text().split(QLatin1Char(','), Qt::SkipEmptyParts));
            config.fields.insert(QStringLiteral("sslmode"), m_sslMode->currentText());
        }
    }
    QStringList schemas;
    for (const QString &schema : config.fields.value(QStringLiteral("schemas")).toStringList())
        if (!schema.trimmed().isEmpty())
            schemas << schema.trimmed();
    if (config.fields.contains(QStringLiteral("schemas")))
        config.fields.insert(QStringLiteral("schemas"), schemas);

    m_testing = true;
    showResult(Tone::Busy, tr("Testing the connection…"));
    updateButtons();

    auto *watcher = new QFutureWatcher<TestOutcome>(this);
    connect(watcher, &QFutureWatcher<TestOutcome>::finished, this, [this, watcher, generation] {
        const TestOutcome outcome = watcher->result();
        watcher->deleteLater();
        if (generation != m_testGeneration)
            return; // the input changed or a newer test started
        m_testing = false;
        if (outcome.ok)
            showResult(Tone::Ok,
                       outcome.tables == 1 ? tr("Connected: 1 table")
                                           : tr("Connected: %1 tables").arg(outcome.tables));
        else
            showResult(Tone::Error,
                       outcome.hint.isEmpty() ? outcome.message
                                              : outcome.message + QLatin1Char('\n') + outcome.hint);
        updateButtons();
        Q_EMIT testFinished(outcome.ok);
    });
    watcher->setFuture(QtConcurrent::run(runTest, config, dir, password));
}

void DatabasesPage::addConnection()
{
    if (!m_add->isEnabled())
        return;
    AddRequest request;
    request.projectDir = projectDir();
    request.id = connectionId();
    const QString current = driver();
    request.fields = YamlValue::mapping();
    request.fields.insert(QStringLiteral("driver"), YamlValue::string(current));
    if (current == QLatin1String("sqlite")) {
        QString path = QDir::fromNativeSeparators(m_file->text().trimmed());
        const QString relative = QDir(request.projectDir).relativeFilePath(path);
        // Inside the project, keep the path relative so a clone works elsewhere.
        if (QFileInfo(path).isAbsolute() && !relative.startsWith(QLatin1String("..")))
            path = relative;
        request.fields.insert(QStringLiteral("path"), YamlValue::string(path));
    } else {
        request.fields.insert(QStringLiteral("host"), YamlValue::string(m_host->text().trimmed()));
        request.fields.insert(QStringLiteral("port"), YamlValue::integer(m_port->value()));
        if (!m_database->text().trimmed().isEmpty())
            request.fields.insert(QStringLiteral("database"),
                                  YamlValue::string(m_database->text().trimmed()));
        if (!m_user->text().trimmed().isEmpty())
            request.fields.insert(QStringLiteral("username"),
                                  YamlValue::string(m_user->text().trimmed()));
        if (passwordSource() == QLatin1String("env")) {
            request.fields.insert(
                QStringLiteral("password"),
                YamlValue::string(QStringLiteral("env:") + m_passwordEnv->text()));
        } else {
            request.storeSecret = true;
            request.password = m_password->text();
        }
        if (current == QLatin1String("postgres")) {
            QStringList schemas;
            for (const QString &schema : m_schemas->text().split(QLatin1Char(',')))
                if (!schema.trimmed().isEmpty())
                    schemas << schema.trimmed();
            if (schemas.isEmpty())
                schemas << QStringLiteral("public");
            request.fields.insert(QStringLiteral("schemas"), YamlValue::stringList(schemas));
            request.fields.insert(QStringLiteral("sslmode"),
                                  YamlValue::string(m_sslMode->currentText()));
        }
    }

    m_saving = true;
    showResult(Tone::Busy, tr("Adding “%1” to ktx.yaml…").arg(request.id));
    updateButtons();
    Q_EMIT completeChanged();

    const QString id = request.id;
    auto *watcher = new QFutureWatcher<Result<void>>(this);
    connect(watcher, &QFutureWatcher<Result<void>>::finished, this, [this, watcher, id] {
        const Result<void> result = watcher->result();
        watcher->deleteLater();
        m_saving = false;
        if (result.ok()) {
            m_added << id;
            m_existingIds << id;
            m_password->clear();
            m_id->clear();
            m_idEdited = false;
            if (auto *setup = qobject_cast<SetupWizard *>(wizard()))
                setup->markStepCompleted(QStringLiteral("databases"));
            showResult(Tone::Ok,
                       tr("Added “%1” to ktx.yaml. Run “ktx ingest %1” to scan it.").arg(id));
            m_addedLabel->setText(tr("Connections added in this session: %1")
                                      .arg(m_added.join(QStringLiteral(", "))));
            m_addedLabel->show();
            Q_EMIT connectionAdded(id);
        } else {
            showResult(Tone::Error, result.error().toText());
            Q_EMIT addFailed(result.error().toText());
        }
        updateButtons();
        Q_EMIT completeChanged();
    });
    watcher->setFuture(QtConcurrent::run(runAdd, request));
}

void DatabasesPage::showResult(Tone tone, const QString &text)
{
    m_tone = text.isEmpty() ? Tone::None : tone;
    m_result->setText(text);
    m_result->setVisible(!text.isEmpty());
    updateColors();
}

void DatabasesPage::updateColors()
{
    QPalette pal = palette();
    ReadinessState state = ReadinessState::Skipped;
    switch (m_tone) {
    case Tone::Ok:
        state = ReadinessState::Ok;
        break;
    case Tone::Error:
        state = ReadinessState::Fail;
        break;
    case Tone::Busy:
    case Tone::None:
        break;
    }
    if (m_tone == Tone::Ok || m_tone == Tone::Error)
        pal.setColor(QPalette::WindowText, ColorScheme::stateColor(state, palette()));
    else
        pal.setColor(QPalette::WindowText, ColorScheme::secondaryText(palette()));
    m_result->setPalette(pal);
    QPalette idPalette = palette();
    idPalette.setColor(QPalette::WindowText,
                       ColorScheme::stateColor(ReadinessState::Fail, palette()));
    m_idMessage->setPalette(idPalette);
    const bool icon = m_tone == Tone::Ok || m_tone == Tone::Error;
    m_resultIcon->setVisible(icon);
    if (icon)
        m_resultIcon->setPixmap(
            StateIcon::pixmap(state, palette(), ResultIconSize, devicePixelRatioF()));
}

} // namespace ktx
