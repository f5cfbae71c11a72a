-- The schema as the last release without migrations made it (SQLModel create_all, postgresql).
-- Kept as it was: tests/test_migrations.py upgrades a database made from it, with data.
CREATE TABLE conversation_state (
	user_key VARCHAR(200) NOT NULL, 
	org VARCHAR(100) NOT NULL, 
	lang VARCHAR(5) NOT NULL, 
	pending JSON, 
	flow VARCHAR(40), 
	flow_data JSON, 
	updated_at TIMESTAMP WITH TIME ZONE NOT NULL, 
	PRIMARY KEY (user_key)
);

CREATE TABLE processed_event (
	id SERIAL NOT NULL, 
	platform VARCHAR(20) NOT NULL, 
	event_id VARCHAR(200) NOT NULL, 
	created_at TIMESTAMP WITH TIME ZONE NOT NULL, 
	PRIMARY KEY (id), 
	UNIQUE (platform, event_id)
);

CREATE INDEX ix_processed_event_created_at ON processed_event (created_at);

CREATE TABLE outbox (
	id SERIAL NOT NULL, 
	platform VARCHAR(20) NOT NULL, 
	recipient VARCHAR(200) NOT NULL, 
	payload TEXT NOT NULL, 
	encrypted BOOLEAN NOT NULL, 
	status VARCHAR(20) NOT NULL, 
	attempts INTEGER NOT NULL, 
	next_attempt_at TIMESTAMP WITH TIME ZONE NOT NULL, 
	last_error VARCHAR(500), 
	created_at TIMESTAMP WITH TIME ZONE NOT NULL, 
	delivered_at TIMESTAMP WITH TIME ZONE, 
	platform_message_id VARCHAR(200), 
	tag VARCHAR(200), 
	PRIMARY KEY (id)
);

CREATE INDEX ix_outbox_platform_message_id ON outbox (platform_message_id);

CREATE INDEX ix_outbox_platform ON outbox (platform);

CREATE INDEX ix_outbox_tag ON outbox (tag);

CREATE INDEX ix_outbox_status ON outbox (status);

CREATE INDEX ix_outbox_next_attempt_at ON outbox (next_attempt_at);

CREATE TABLE role_assignment (
	id SERIAL NOT NULL, 
	org VARCHAR(100) NOT NULL, 
	role VARCHAR(40) NOT NULL, 
	platform VARCHAR(20) NOT NULL, 
	user_id VARCHAR(200) NOT NULL, 
	display_name VARCHAR(200), 
	available BOOLEAN NOT NULL, 
	created_at TIMESTAMP WITH TIME ZONE NOT NULL, 
	PRIMARY KEY (id), 
	UNIQUE (org, role, platform, user_id)
);

CREATE INDEX ix_role_assignment_org ON role_assignment (org);

CREATE TABLE confide_case (
	id VARCHAR(40) NOT NULL, 
	org VARCHAR(100) NOT NULL, 
	pseudonym VARCHAR(20) NOT NULL, 
	state VARCHAR(10) NOT NULL, 
	step VARCHAR(20), 
	kind VARCHAR(40), 
	lang VARCHAR(5) NOT NULL, 
	handoff_to JSON, 
	created_at TIMESTAMP WITH TIME ZONE NOT NULL, 
	handed_off_at TIMESTAMP WITH TIME ZONE, 
	taken_at TIMESTAMP WITH TIME ZONE, 
	taken_by VARCHAR(220), 
	last_employee_message_at TIMESTAMP WITH TIME ZONE, 
	last_trusted_reply_at TIMESTAMP WITH TIME ZONE, 
	closed_at TIMESTAMP WITH TIME ZONE, 
	closed_by VARCHAR(10), 
	formal_report_at DATE, 
	outcome VARCHAR(20), 
	counted_at TIMESTAMP WITH TIME ZONE, 
	revealed_at TIMESTAMP WITH TIME ZONE, 
	PRIMARY KEY (id), 
	UNIQUE (org, pseudonym)
);

CREATE INDEX ix_confide_case_closed_at ON confide_case (closed_at);

CREATE INDEX ix_confide_case_org ON confide_case (org);

CREATE INDEX ix_confide_case_state ON confide_case (state);

CREATE TABLE confide_statistic (
	id SERIAL NOT NULL, 
	org VARCHAR(100) NOT NULL, 
	year INTEGER NOT NULL, 
	kind VARCHAR(40) NOT NULL, 
	channel VARCHAR(40) NOT NULL, 
	outcome VARCHAR(20) NOT NULL, 
	count INTEGER NOT NULL, 
	PRIMARY KEY (id), 
	UNIQUE (org, year, kind, channel, outcome)
);

CREATE TABLE confide_secret (
	name VARCHAR(40) NOT NULL, 
	sealed TEXT NOT NULL, 
	PRIMARY KEY (name)
);

CREATE TABLE reminder (
	id SERIAL NOT NULL, 
	org VARCHAR(100) NOT NULL, 
	kind VARCHAR(20) NOT NULL, 
	key VARCHAR(120) NOT NULL, 
	role VARCHAR(40) NOT NULL, 
	platform VARCHAR(20) NOT NULL, 
	user_id VARCHAR(200) NOT NULL, 
	display_name VARCHAR(200), 
	months VARCHAR(40) NOT NULL, 
	weekday VARCHAR(3), 
	day INTEGER, 
	time_of_day VARCHAR(5) NOT NULL, 
	every_years INTEGER NOT NULL, 
	start_year INTEGER, 
	next_due_at TIMESTAMP WITH TIME ZONE, 
	snooze_at TIMESTAMP WITH TIME ZONE, 
	snooze_of INTEGER, 
	active BOOLEAN NOT NULL, 
	note VARCHAR(40), 
	state JSON, 
	created_at TIMESTAMP WITH TIME ZONE NOT NULL, 
	updated_at TIMESTAMP WITH TIME ZONE NOT NULL, 
	PRIMARY KEY (id), 
	UNIQUE (org, kind, key, platform, user_id)
);

CREATE INDEX ix_reminder_due ON reminder (active, next_due_at);

CREATE INDEX ix_reminder_org ON reminder (org);

CREATE TABLE reminder_notice (
	id SERIAL NOT NULL, 
	org VARCHAR(100) NOT NULL, 
	platform VARCHAR(20) NOT NULL, 
	user_id VARCHAR(200) NOT NULL, 
	reason VARCHAR(40) NOT NULL, 
	created_at TIMESTAMP WITH TIME ZONE NOT NULL, 
	PRIMARY KEY (id), 
	UNIQUE (org, platform, user_id, reason)
);

CREATE TABLE confide_identity (
	case_id VARCHAR(40) NOT NULL, 
	lookup VARCHAR(64) NOT NULL, 
	sealed TEXT NOT NULL, 
	PRIMARY KEY (case_id), 
	FOREIGN KEY(case_id) REFERENCES confide_case (id)
);

CREATE INDEX ix_confide_identity_lookup ON confide_identity (lookup);

CREATE TABLE confide_message (
	id SERIAL NOT NULL, 
	case_id VARCHAR(40) NOT NULL, 
	sender VARCHAR(10) NOT NULL, 
	body TEXT NOT NULL, 
	created_at TIMESTAMP WITH TIME ZONE NOT NULL, 
	PRIMARY KEY (id), 
	FOREIGN KEY(case_id) REFERENCES confide_case (id)
);

CREATE INDEX ix_confide_message_case_id ON confide_message (case_id);

CREATE TABLE confide_consent (
	id SERIAL NOT NULL, 
	case_id VARCHAR(40) NOT NULL, 
	purpose VARCHAR(20) NOT NULL, 
	given_at TIMESTAMP WITH TIME ZONE NOT NULL, 
	PRIMARY KEY (id), 
	FOREIGN KEY(case_id) REFERENCES confide_case (id)
);

CREATE INDEX ix_confide_consent_case_id ON confide_consent (case_id);

CREATE TABLE reminder_delivery (
	id SERIAL NOT NULL, 
	reminder_id INTEGER NOT NULL, 
	occurrence VARCHAR(160) NOT NULL, 
	due_at TIMESTAMP WITH TIME ZONE NOT NULL, 
	status VARCHAR(20) NOT NULL, 
	claimed_at TIMESTAMP WITH TIME ZONE NOT NULL, 
	claimed_by VARCHAR(120) NOT NULL, 
	late BOOLEAN NOT NULL, 
	outbox_id INTEGER, 
	detail JSON, 
	done_at TIMESTAMP WITH TIME ZONE, 
	snoozed_at TIMESTAMP WITH TIME ZONE, 
	PRIMARY KEY (id), 
	UNIQUE (reminder_id, occurrence), 
	FOREIGN KEY(reminder_id) REFERENCES reminder (id)
);

CREATE INDEX ix_reminder_delivery_reminder_id ON reminder_delivery (reminder_id);

CREATE INDEX ix_reminder_delivery_status ON reminder_delivery (status);
