/// Real-shaped JUnit XML samples, one per producer, written for these tests after the output
/// of the named tool versions (trimmed: fewer properties, shorter stack traces).
enum JUnitSamples {
    /// pytest 9.0.3 `--junitxml` (xunit2), as produced on Tests/Fixtures/pytest.
    static let pytest = """
    <?xml version="1.0" encoding="utf-8"?><testsuites name="pytest tests"><testsuite name="pytest" errors="2" \
    failures="1" skipped="2" tests="7" time="0.042" timestamp="2026-11-26T23:38:57.112550+00:00" hostname="vm">\
    <testcase classname="" name="tests.test_collection_error" time="0.000"><error message="collection failure">\
    ImportError while importing test module '/w/tests/test_collection_error.py'.
    tests/test_collection_error.py:2: in &lt;module&gt;
    E   ModuleNotFoundError: No module named 'nope'</error></testcase>\
    <testcase classname="tests.test_outcomes" name="test_passes" time="0.001" />\
    <testcase classname="tests.test_outcomes" name="test_fails" time="0.002"><failure message="AssertionError: \
    arithmetic is broken&#10;assert (1 + 1) == 3">def test_fails():
    &gt;       assert 1 + 1 == 3, "arithmetic is broken"
    E       AssertionError: arithmetic is broken</failure><system-out>--------------------------------- \
    Captured Out ---------------------------------
    output of a failing test
    </system-out></testcase>\
    <testcase classname="tests.test_outcomes" name="test_error_in_fixture" time="0.000"><error message="failed on \
    setup with &quot;RuntimeError: fixture could not be set up&quot;">E       RuntimeError: fixture could not be set \
    up</error></testcase>\
    <testcase classname="tests.test_outcomes" name="test_skipped_by_marker" time="0.000"><skipped type="pytest.skip" \
    message="skipped by marker">/w/tests/test_outcomes.py:25: skipped by marker</skipped></testcase>\
    <testcase classname="tests.test_outcomes" name="test_expected_failure" time="0.000"><skipped type="pytest.xfail" \
    message="known bug" /></testcase>\
    <testcase classname="tests.test_params" name="test_x[ä b-1]" time="0.003" /></testsuite></testsuites>
    """

    /// Maven Surefire 3.2 `TEST-com.example.CalculatorTest.xml` with `rerunFailingTestsCount=2`:
    /// a flaky test (failed, then passed), a test failing on every rerun, an erroring test.
    static let surefire = """
    <?xml version="1.0" encoding="UTF-8"?>
    <testsuite xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" \
    xsi:noNamespaceSchemaLocation="https://maven.apache.org/surefire/maven-surefire-plugin/xsd/surefire-test-report-3.0.xsd" \
    version="3.0" name="com.example.CalculatorTest" time="1,234.5" tests="5" errors="1" skipped="1" failures="1">
      <properties>
        <property name="java.version" value="17.0.9"/>
        <property name="file.encoding" value="UTF-8"/>
      </properties>
      <testcase name="addsNumbers" classname="com.example.CalculatorTest" time="0.012"/>
      <testcase name="flakyNetworkCall" classname="com.example.CalculatorTest" time="0.105">
        <flakyFailure message="expected: &lt;200&gt; but was: &lt;503&gt;" type="org.opentest4j.AssertionFailedError">
          <stackTrace><![CDATA[org.opentest4j.AssertionFailedError: expected: <200> but was: <503>
    \tat com.example.CalculatorTest.flakyNetworkCall(CalculatorTest.java:42)]]></stackTrace>
          <system-out><![CDATA[attempt 1
    ]]></system-out>
        </flakyFailure>
      </testcase>
      <testcase name="dividesByZero" classname="com.example.CalculatorTest" time="0.003">
        <failure message="expected: &lt;0&gt; but was: &lt;1&gt;" type="org.opentest4j.AssertionFailedError"><![CDATA[org.opentest4j.AssertionFailedError: expected: <0> but was: <1>
    \tat com.example.CalculatorTest.dividesByZero(CalculatorTest.java:30)
    ]]></failure>
        <system-out><![CDATA[dividing 1 by 0
    ]]></system-out>
        <rerunFailure message="expected: &lt;0&gt; but was: &lt;1&gt;" type="org.opentest4j.AssertionFailedError">
          <stackTrace><![CDATA[org.opentest4j.AssertionFailedError: rerun 1]]></stackTrace>
        </rerunFailure>
        <rerunError message="java.lang.IllegalStateException" type="java.lang.IllegalStateException">
          <stackTrace><![CDATA[java.lang.IllegalStateException: rerun 2]]></stackTrace>
        </rerunError>
      </testcase>
      <testcase name="opensDatabase" classname="com.example.CalculatorTest" time="0.001">
        <error message="Connection refused" type="java.net.ConnectException"><![CDATA[java.net.ConnectException: Connection refused
    ]]></error>
        <system-err><![CDATA[WARN pool exhausted
    ]]></system-err>
      </testcase>
      <testcase name="notYet" classname="com.example.CalculatorTest" time="0">
        <skipped message="@Disabled: not implemented"/>
      </testcase>
    </testsuite>
    """

    /// jest-junit 16 defaults (`classname="{classname} {title}"`, `name="{classname} {title}"`),
    /// failure text only, no message attribute; a skipped (`it.skip`) test.
    static let jest = """
    <?xml version="1.0" encoding="UTF-8"?>
    <testsuites name="jest tests" tests="3" failures="1" errors="0" time="1.53">
      <testsuite name="Cart" errors="0" failures="1" skipped="1" timestamp="2026-11-26T10:00:00" time="1.2" tests="3">
        <testcase classname="Cart adds an item" name="Cart adds an item" time="0.004">
        </testcase>
        <testcase classname="Cart computes the total" name="Cart computes the total" time="0.011">
          <failure>Error: expect(received).toBe(expected) // Object.is equality

    Expected: 30
    Received: 29.999999999999996
        at Object.&lt;anonymous&gt; (/app/src/cart.test.js:18:25)</failure>
        </testcase>
        <testcase classname="Cart applies coupons" name="Cart applies coupons" time="0">
          <skipped/>
        </testcase>
      </testsuite>
    </testsuites>
    """

    /// go-junit-report v2: package suites, properties, a skip with a message, suite-level output.
    static let goJUnitReport = """
    <?xml version="1.0" encoding="UTF-8"?>
    <testsuites tests="4" failures="1" skipped="1">
    \t<testsuite name="example.com/calc" tests="3" failures="1" errors="0" id="0" hostname="ci" skipped="1" time="0.004" timestamp="2026-11-26T10:00:00Z">
    \t\t<properties>
    \t\t\t<property name="go.version" value="go1.22.2 linux/amd64"></property>
    \t\t</properties>
    \t\t<testcase name="TestAdd" classname="example.com/calc" time="0.000"></testcase>
    \t\t<testcase name="TestDivide/by_zero" classname="example.com/calc" time="0.001">
    \t\t\t<failure message="Failed"><![CDATA[    calc_test.go:31: got 1, want 0]]></failure>
    \t\t</testcase>
    \t\t<testcase name="TestSlow" classname="example.com/calc" time="0.000">
    \t\t\t<skipped message="calc_test.go:40: skipping in short mode"></skipped>
    \t\t</testcase>
    \t\t<system-out><![CDATA[ok  \texample.com/calc\t0.004s]]></system-out>
    \t</testsuite>
    \t<testsuite name="example.com/calc/internal" tests="1" failures="0" errors="0" id="1" hostname="ci" skipped="0" time="0.002">
    \t\t<testcase name="TestParse" classname="example.com/calc/internal" time="0.002"></testcase>
    \t</testsuite>
    </testsuites>
    """

    /// Nested suites (Ant / Gradle-aggregated style), no `time` anywhere, single-quoted attributes,
    /// comments, a DOCTYPE, character references, CRLF line ends.
    static let nested = "<?xml version='1.0'?>\r\n<!DOCTYPE testsuites>\r\n<!-- aggregated by a CI plugin -->\r\n"
        + "<testsuites>\r\n  <testsuite name='outer'>\r\n    <testsuite name='inner'>\r\n"
        + "      <testcase classname='a.B' name='caf&#xE9; &amp; t&#233;'/>\r\n"
        + "      <testcase classname='' name='bare'><error message='boom'/></testcase>\r\n"
        + "    </testsuite>\r\n    <testcase classname=\"a.C\" name=\"quote&apos;s &quot;x&quot;\">\r\n"
        + "      <system-out>line &lt;1&gt;\r\n</system-out>\r\n    </testcase>\r\n  </testsuite>\r\n</testsuites>\r\n"
}
