package db

import "testing"

// leaveTx are statements that would end, split or implicitly commit the
// transaction (or smuggle such a statement in); both this package and the
// PHP bridge must refuse each of them inside a transaction.
var leaveTx = []string{
	"COMMIT",
	"commit work",
	"ROLLBACK",
	"rollback to savepoint a",
	"BEGIN",
	"START TRANSACTION",
	"SAVEPOINT a",
	"RELEASE SAVEPOINT a",
	"SET autocommit = 1",
	"set @x = 1, autocommit = 1",
	"SET @x = (SELECT 1), @@autocommit = 1",
	"SET @@autocommit = 1",
	"SET @ @autocommit = 1",
	"SET SESSION autocommit = 1",
	"SET TRANSACTION ISOLATION LEVEL SERIALIZABLE",
	"LOCK TABLES oc_setting WRITE",
	"UNLOCK TABLES",
	"CREATE TABLE oc_x (a int)",
	"ALTER TABLE oc_setting ADD x int",
	"DROP TABLE oc_setting",
	"TRUNCATE TABLE oc_setting",
	"RENAME TABLE oc_setting TO oc_y",
	"GRANT ALL ON *.* TO x",
	"INSERT INTO oc_setting (`key`) VALUES ('a'); COMMIT",
	"INSERT INTO oc_setting (`key`) VALUES ('a');",
	"/*!COMMIT*/",
	"INSERT INTO oc_setting (`key`) VALUES ('a') /*!50000 , ('b') */",
	"/*M!100000 COMMIT */",
	"-- a comment\nCOMMIT",
	"# a comment\n COMMIT",
	"/* a comment */ COMMIT",
	"CALL p()",
	"LOAD DATA INFILE '/etc/passwd' INTO TABLE oc_setting",
	"XA START 'x'",
	"DO 1",
	"SELECT 1",
	"",
	"   ",
	"INSERT INTO oc_setting (`key`) VALUES ('unterminated",
	"INSERT INTO oc_setting (`key`) VALUES ('a') /* unterminated",
	"@x := 1",
}

// inTx are statements a transaction may run, with quotes and comments
// that hide ";", "--", "#" and keywords.
var inTx = []string{
	"INSERT INTO oc_setting (`key`) VALUES (?)",
	"  update oc_setting SET `value` = 'a;b' WHERE `key` = ?",
	"DELETE FROM oc_setting WHERE `key` = 'COMMIT; -- x'",
	"REPLACE INTO oc_setting (`key`) VALUES (\"it\\\"s; # fine\")",
	"SET @a = 1",
	"SET @a := (SELECT COUNT(*) FROM oc_setting WHERE `key` IN ('x', 'y')), @b = 'x;y'",
	"/* note */ INSERT INTO `oc_set;ting` (`key`) VALUES ('--')",
	"-- note\nUPDATE oc_setting SET `value` = '' WHERE 1 = 0",
	"INSERT INTO oc_setting (`key`) VALUES ('it''s')",
	"UPDATE oc_setting SET `value` = 5 --1\n WHERE 1 = 0",
}

var queries = []string{
	"SELECT 1",
	"select `value` from oc_setting where `key` = ?",
	"(SELECT 1) UNION (SELECT 2)",
	"SHOW TABLES",
	"DESC oc_setting",
	"describe oc_setting",
	"SELECT ';' AS a -- trailing comment",
}

var notQueries = []string{
	"INSERT INTO oc_setting (`key`) VALUES ('a')",
	"DELETE FROM oc_setting",
	"UPDATE oc_setting SET `value` = ''",
	"EXPLAIN ANALYZE DELETE FROM oc_setting",
	"WITH x AS (SELECT 1) SELECT * FROM x",
	"SELECT 1; DELETE FROM oc_setting",
	"SET @a = 1",
	"COMMIT",
}

func TestCheckStatement(t *testing.T) {
	for _, q := range leaveTx {
		if checkStatement(q, true) == "" {
			t.Errorf("accepted in a transaction: %q", q)
		}
	}
	for _, q := range inTx {
		if why := checkStatement(q, true); why != "" {
			t.Errorf("refused in a transaction: %q: %s", q, why)
		}
	}
	for _, q := range queries {
		if why := checkStatement(q, false); why != "" {
			t.Errorf("refused as a query: %q: %s", q, why)
		}
	}
	for _, q := range notQueries {
		if checkStatement(q, false) == "" {
			t.Errorf("accepted as a query: %q", q)
		}
	}
}
