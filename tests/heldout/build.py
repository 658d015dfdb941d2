#!/usr/bin/env python3
"""Writes the held-out articles and their gold annotations from one source of truth.

Each article is a list of paragraphs; each paragraph a list of sentences, given as
(text, categories, allow). Sentences with neither are not listed in the gold file.
Run from this directory: python3 build.py
"""
import json
from pathlib import Path

N, A, D, S, V = "named-source", "anonymous-source", "declined-comment", "state-media", "vague-attribution"
R, DOC, U, O, SM = "anonymity-reason", "document-source", "unverified-claim", "other-outlet", "social-media"


def s(text, cats=(), allow=()):
    return (text, list(cats), list(allow))


ARTICLES = {}

# --- 101: AP style, Congress, straight quotes, AP party tags ------------------------
ARTICLES["101-ap-stopgap-spending-bill.txt"] = [
    [s("House GOP unveils stopgap spending bill as Democrats demand disaster aid")],
    [s("WASHINGTON (AP) — House Republican leaders on Tuesday unveiled a stopgap spending bill that would keep the federal government funded through Dec. 20, setting up a tense week of negotiations with Senate Democrats who say the measure shortchanges disaster relief.", [], [N, V]),
     s("The 38-page measure, released late Monday night, includes $12 billion for the Federal Emergency Management Agency but none of the $25 billion the White House requested in September for communities recovering from hurricanes and wildfires.", [], [N])],
    [s("\"This is a clean, responsible bill that keeps the lights on and gives us time to finish the real work,\" House Majority Leader Tom Brenner, R-Ind., told reporters at the Capitol.", [N])],
    [s("Democrats were unmoved."),
     s("\"You cannot tell families in North Carolina and Maui to wait another three months,\" said Sen. Patricia Hale, D-N.Y., the top Democrat on the Senate Appropriations Committee.", [N]),
     s("She said Democrats would offer an amendment adding $15 billion in disaster money and would oppose any bill that did not include it.", [N])],
    [s("Rep. Dale Kessler, R-Ohio, who chairs the hard-line House Freedom Caucus, said his members would vote against any stopgap at all, calling short-term bills \"a surrender to the status quo.\"", [N]),
     s("Rep. Angela Ruiz, D-Texas, said she expected most Democrats to vote no unless the disaster money was added.", [N])],
    [s("Two people briefed on the talks said Brenner's office had privately floated a smaller disaster package, about $5 billion, to win over a handful of Democrats in swing districts.", [A]),
     s("The people spoke on the condition of anonymity to discuss private negotiations.", [A, R]),
     s("A spokesperson for Brenner declined to comment on the record about the offer.", [D], [N, A])],
    [s("The White House did not immediately respond to a request for comment on Tuesday.", [D]),
     s("But in a statement Monday, the Office of Management and Budget said the administration \"strongly opposes\" any funding bill that fails to address the disaster backlog.", [N])],
    [s("FEMA's disaster relief fund could run dry by mid-November, according to agency projections shared with Congress last week.", [DOC]),
     s("FEMA Administrator Rachel Ocampo warned lawmakers in a letter that the agency may have to pause rebuilding projects in at least 30 states.", [N], [DOC])],
    [s("Senate Majority Leader Raymond Torres, D-Calif., said he would bring the House bill to the floor only if it could pass with Democratic votes.", [N]),
     s("\"We are not going to be jammed,\" Torres said.", [N])],
    [s("\"Nobody in leadership wants to own a shutdown in October,\" said one senior Republican aide, who requested anonymity to describe internal conversations.", [A, R]),
     s("A Quinnipiac University poll released last week found that 61 percent of voters would blame Congress rather than the president for a shutdown.", [DOC])],
    [s("Kessler said Tuesday evening that at least 15 Republicans would oppose the rule, which would force leaders to rely on Democratic votes to bring the bill to the floor.", [N]),
     s("Punchbowl News first reported the details of the Democratic amendment.", [O])],
    [s("Government funding expires at 12:01 a.m. on Oct. 1."),
     s("The House Rules Committee is scheduled to take up the bill Wednesday morning.")],
]

# --- 102: Reuters style, courts -------------------------------------------------------
ARTICLES["102-reuters-judge-blocks-office-closures.txt"] = [
    [s("US judge blocks Labor Department from closing regional offices")],
    [s("By Nate Halloran")],
    [s("WASHINGTON, March 4 (Reuters) - A federal judge on Tuesday temporarily blocked the Labor Department from closing 14 regional offices, ruling that the administration had likely skipped a notice-and-comment process required by federal law.", [], [N, DOC])],
    [s("U.S. District Judge Karen Whitfield in Boston said in a 31-page order that the department's plan, announced in January, would cause \u201cirreparable harm\u201d to workers who rely on the offices to file wage-theft complaints.", [N, DOC])],
    [s("The Justice Department said in a court filing on Monday that the closures were a routine exercise of the secretary's authority to organize the agency and that no notice was required.", [N, DOC]),
     s("A Labor Department spokesperson said in a statement that the department would appeal.", [N], [A]),
     s("\u201cWe are confident the courts will ultimately recognize the secretary's authority to run an efficient department,\u201d the statement said.", [N], [DOC])],
    [s("The lawsuit was brought by a coalition of 16 states led by Massachusetts and New York, along with two unions representing federal employees.", [], [DOC]),
     s("Massachusetts Attorney General Dana Whitcomb called the ruling \u201ca clear rebuke\u201d of an administration that \u201ctreats the law as optional.\u201d", [N]),
     s("A lawyer for the unions, Priya Raman, declined to comment on the department's plans to appeal.", [D], [N])],
    [s("The closures would have eliminated roughly 1,100 positions, according to court records.", [DOC]),
     s("Records show that the department notified only three of the affected states before the plan was made public.", [DOC])],
    [s("Labor Secretary Gregory Lunt told Fox News last month that the offices were \u201crelics of a paper age\u201d and that most complaints are now filed online.", [N], [O]),
     s("Data published by the department's own Wage and Hour Division show that about 40% of complaints in 2023 were filed in person or by mail.", [DOC])],
    [s("Two department employees, who spoke on the condition of anonymity for fear of retaliation, said managers had been told in December to prepare for the closures before any analysis was done.", [A, R]),
     s("One of them said staff had been instructed not to put questions about the plan in writing.", [A])],
    [s("A White House spokesperson did not immediately respond to a request for comment.", [D], [A, N])],
    [s("President Trump wrote on Truth Social late Tuesday that Whitfield was a \u201cradical\u201d judge and that the administration would win on appeal.", [N, SM]),
     s("It was the third time since January that a federal court has paused a reorganization at a cabinet agency.")],
    [s("The case is Commonwealth of Massachusetts v. U.S. Department of Labor, U.S. District Court for the District of Massachusetts, No. 1:25-cv-00412.")],
    [s("(Reporting by Nate Halloran in Washington; Editing by Susan Moore)")],
]

# --- 103: NYT style, White House and foreign policy, state media --------------------------
ARTICLES["103-nyt-sanctions-after-missile-test.txt"] = [
    [s("White House Weighs New Sanctions After North Korean Missile Test")],
    [s("WASHINGTON \u2014 The White House is preparing a new round of sanctions on Chinese banks that handle North Korean money after Pyongyang tested what it called a new intercontinental ballistic missile on Sunday, according to two U.S. officials.", [A]),
     s("The officials, who spoke on the condition of anonymity to discuss internal deliberations, said the measures could be announced as soon as next week.", [A, R]),
     s("The sanctions would target at least four banks in northeastern China, the officials said.", [A])],
    [s("North Korea\u2019s state news agency, KCNA, said the missile had flown for 71 minutes and landed in waters off the country\u2019s east coast, calling the launch a warning to \u201chostile forces.\u201d", [S]),
     s("\u201cThe nuclear deterrent of the Republic will grow without limit,\u201d said KCNA, quoting the country\u2019s leader, Kim Jong-un.", [S], [N]),
     s("Japan\u2019s Defense Ministry said the missile had reached an altitude of more than 6,000 kilometers.", [N])],
    [s("A senior administration official told reporters on a conference call that the United States had \u201chigh confidence\u201d the missile used components procured through Chinese front companies.", [A]),
     s("The official, who briefed reporters under ground rules set by the White House requiring anonymity, did not provide evidence for the claim.", [A], [R, U])],
    [s("China\u2019s Foreign Ministry rejected the accusation."  , [N]),
     s("\u201cChina has always strictly implemented Security Council resolutions,\u201d Lin Wei, a ministry spokesman, said at a regular news briefing in Beijing.", [N]),
     s("Xinhua, the state news agency, reported that Chinese and North Korean officials had met in Beijing last week to discuss \u201cpractical cooperation,\u201d without giving details.", [S])],
    [s("In a call with his South Korean counterpart on Monday, the president pledged an \u201cironclad\u201d commitment to the country\u2019s defense, according to a White House readout.", [S], [N]),
     s("South Korea\u2019s presidential office said in its own account of the call that the two leaders had agreed to expand joint military exercises.", [S], [N])],
    [s("\u201cBeijing is the bank that keeps Kim in business,\u201d said Sen. Ron Castellano (R-Fla.), a member of the Senate Foreign Relations Committee.", [N]),
     s("Sen. Maria Delgado (D-Calif.) said the administration should first brief Congress on the intelligence behind its claims.", [N])],
    [s("Sanctions experts said the new measures were unlikely to change Pyongyang\u2019s behavior.", [V]),
     s("\u201cThe North Koreans have spent 20 years learning how to route money around every bank we designate,\u201d said Allison Park of the Center for Strategic and International Studies.", [N]),
     s("\u201cUnless Beijing decides to enforce the rules, this is mostly symbolic,\u201d she said.", [N]),
     s("Others argue that sanctioning large Chinese banks would send a message that smaller ones could not ignore.", [V])],
    [s("A White House spokesperson said in a statement that the administration would \u201chold accountable anyone who helps Pyongyang evade sanctions.\u201d", [N], [A]),
     s("The Treasury Department declined to comment on the timing of any announcement.", [D]),
     s("The Chinese Embassy in Washington did not respond to emailed questions.", [D])],
    [s("North Korea has conducted at least 11 missile tests this year, according to a tally by the Japanese government.", [DOC], [N]),
     s("The Wall Street Journal reported last month that American intelligence agencies had tracked shipments of missile parts through the port of Dalian.", [O])],
]

# --- 104: Politico style, campaign, polls and TV ----------------------------------------
ARTICLES["104-politico-ohio-senate-primary.txt"] = [
    [s("Ohio Senate primary tightens as GOP rivals trade attacks")],
    [s("COLUMBUS, Ohio \u2014 The Republican primary for Ohio\u2019s open Senate seat has narrowed to a two-person race, according to a Quinnipiac University poll released Wednesday, with businessman Craig Donnelly and state Attorney General Lisa Marrero separated by three points.", [DOC]),
     s("Donnelly drew 34 percent support among likely Republican primary voters to Marrero\u2019s 31 percent, within the poll\u2019s margin of error.", [], [DOC]),
     s("The rest of the field trailed in single digits.")],
    [s("Donnelly, a former trucking executive who has spent $18 million of his own money on the race, seized on the results in a post on X, writing that \u201cthe momentum is real.\u201d", [N, SM])],
    [s("Marrero\u2019s campaign dismissed the poll.", [N]),
     s("\u201cPolls don\u2019t vote,\u201d campaign manager Evan Strickland said in a statement.", [N])],
    [s("The race has grown increasingly bitter in recent weeks."),
     s("Marrero told CNN on Sunday that Donnelly had \u201cbought his way\u201d onto the ballot and accused him of hiding losses at his former company.", [N], [O]),
     s("She added that she would release her own tax returns next week.", [N]),
     s("Donnelly fired back on MSNBC\u2019s \u201cMorning Joe\u201d on Monday, calling Marrero \u201ca career politician who has never signed the front of a paycheck.\u201d", [N], [O])],
    [s("The state\u2019s Republican governor has not endorsed in the race, but he met privately with both candidates last month, according to three people familiar with the meetings.", [A]),
     s("One of them, a longtime adviser to the governor, said he was leaning toward staying neutral through the primary.", [A]),
     s("The adviser spoke on the condition of anonymity to speak candidly about private conversations.", [A, R]),
     s("The meetings were first reported by Axios.", [O])],
    [s("A spokesperson for the governor declined to comment on the record, but pointed to his past statements that he would not take sides in a primary.", [D], [N, A])],
    [s("Democrats, meanwhile, have largely consolidated behind Rep. Marcus Bell, D-Ohio, who faces only nominal opposition."),
     s("Bell has raised $9.4 million since entering the race, according to filings with the Federal Election Commission.", [DOC]),
     s("\u201cOhio voters are tired of billionaires and politicians who treat this seat like a prize,\u201d Bell said in an interview.", [N])],
    [s("Republican strategists in the state said the winner would enter the general election with a depleted war chest.", [V], [A]),
     s("\u201cWhoever comes out of this is going to be broke and bruised,\u201d said Jim Kowalski, a Republican consultant in Cleveland who is not working for either campaign.", [N])],
    [s("Some voters said they were turned off by the tone.", [V], [A]),
     s("\u201cIt\u2019s all they talk about, each other,\u201d said Denise Hartley, 58, a retired nurse from Zanesville, after a Marrero event at a VFW hall.", [N])],
    [s("Politico reported on Tuesday that a super PAC aligned with Donnelly plans to spend $6 million on television ads in the final three weeks.", [O]),
     s("The super PAC did not respond to a request for comment.", [D])],
]

# --- 105: Washington Post style, agency, memo, WaPo party tags -------------------------------
ARTICLES["105-wapo-epa-research-office-memo.txt"] = [
    [s("EPA moves to dismantle its main science office, internal memo shows")],
    [s("The Environmental Protection Agency is preparing to eliminate its main scientific research office and reassign more than 1,000 scientists, according to an internal memo obtained by The Washington Post.", [DOC], [O]),
     s("The memo, dated May 2 and signed by the agency\u2019s deputy administrator, directs managers to submit plans for \u201ctransitioning\u201d staff by the end of the month.", [DOC]),
     s("It does not say how many of the scientists would lose their jobs.", [], [DOC])],
    [s("EPA spokesperson Molly Vaughn said in an emailed statement that the agency was \u201cmodernizing how science is done\u201d and that \u201cno final decisions have been made.\u201d", [N]),
     s("She did not answer questions about the number of positions affected.", [D], [N])],
    [s("The plan has been under discussion since February, according to a person familiar with the matter, who spoke on the condition of anonymity to discuss private deliberations.", [A, R]),
     s("That person said political appointees had asked career staff to identify research programs that could be shifted to universities or ended.", [A])],
    [s("Three current EPA employees, who requested anonymity because they feared retaliation, described a tense all-hands meeting last week at which managers could not say where the research office\u2019s labs would go.", [A, R]),
     s("\u201cPeople are updating their r\u00e9sum\u00e9s at their desks,\u201d one of them said.", [A])],
    [s("Democrats on the House Energy and Commerce Committee sent a letter to EPA Administrator Blake Harmon on Thursday demanding that the agency halt the plan.", [N], [DOC]),
     s("\u201cThis is the dismantling of the scientific backbone of the agency,\u201d said Rep. Diane Okafor (D-N.J.), the committee\u2019s ranking Democrat.", [N])],
    [s("Sen. Wade Jennings (R-Okla.), who chairs the Environment and Public Works Committee, said in a statement that the agency\u2019s research arm had \u201clost its way\u201d and that a reorganization was overdue.", [N]),
     s("Jennings\u2019s office declined to say whether he had been briefed on the memo.", [D])],
    [s("The research office, created in 1970, has produced studies that underpin federal limits on air pollution, lead and drinking-water contaminants."),
     s("A 2023 report by the agency\u2019s inspector general found that the office had a backlog of more than 200 unfinished risk assessments.", [DOC]),
     s("Critics of the agency have long argued that the office is slow and duplicative.", [V])],
    [s("Former EPA officials said the plan would leave the agency dependent on studies paid for by the industries it regulates.", [A]),
     s("\u201cYou can\u2019t regulate what you can\u2019t measure,\u201d said Thomas Reyes, who led the research office under two administrations, one Republican and one Democratic.", [N])],
    [s("The lab closures \u201care already decided,\u201d said a post on X by an unknown author that was shared more than 20,000 times before the agency called it false.", [A, SM], [N]),
     s("The plan was first reported by E&E News.", [O])],
]

# --- 106: AP style, an indictment (written after the first round of rule changes,
# annotated before any run on it)
ARTICLES["106-ap-congressman-indicted.txt"] = [
    [s("Congressman indicted on charges he steered federal grants to donors")],
    [s("PHOENIX (AP) — A federal grand jury has indicted Rep. Curtis Vance, R-Ariz., on charges that he steered $4.2 million in federal grants to companies owned by campaign donors, according to an indictment unsealed Thursday.", [DOC]),
     s("The 14-count indictment accuses Vance of wire fraud, bribery and lying to federal investigators.", [DOC]),
     s("It says he pressured officials at the Transportation Department to favor the companies and then received more than $300,000 in contributions and consulting fees.", [DOC])],
    [s("Vance pleaded not guilty at a brief hearing in federal court in Phoenix on Thursday afternoon."),
     s("\"I have never taken a dime in exchange for anything, and I look forward to proving that in court,\" Vance told reporters outside the courthouse.", [N]),
     s("His lawyer, Mitchell Ortega, called the case \"a politically motivated stretch\" and said the contributions were legal and publicly reported.", [N])],
    [s("The Justice Department said in a statement that the investigation was continuing.", [N]),
     s("A Justice Department official, who was not authorized to discuss the case publicly and spoke on condition of anonymity, said prosecutors were examining whether other members of Congress had received similar contributions.", [A, R])],
    [s("Vance, a three-term congressman and former state senator, represents a district that stretches from the Phoenix suburbs to the Utah border."),
     s("He is a member of the Transportation and Infrastructure Committee, which oversees the grant program."),
     s("Federal Election Commission records show that the companies' owners and their relatives gave at least $86,000 to Vance's campaign in the two years before the grants were awarded.", [DOC])],
    [s("House Speaker Ellen Morrow, R-Ga., said in a statement that the charges were \"serious\" and that Vance should \"step aside from his committee assignments while he defends himself.\"", [N]),
     s("A spokesman for Morrow did not respond to questions about whether she would call for his resignation.", [D], [N, A])],
    [s("Democrats were quicker to demand it."),
     s("\"If these allegations are true, he has betrayed his constituents,\" said Rep. Luis Navarro, D-Ariz., who represents a neighboring district.", [N]),
     s("Navarro said he would introduce a resolution to expel Vance if he did not resign by the end of the month.", [N])],
    [s("The case was first reported by The Arizona Republic, which obtained a copy of a subpoena sent to one of the companies last year.", [O], [DOC]),
     s("Two people familiar with the investigation told The Associated Press that a former Vance aide had been cooperating with prosecutors since last summer.", [A], [O]),
     s("The people spoke on condition of anonymity because the aide's cooperation had not been made public.", [A, R])],
    [s("The aide could not be reached for comment."  , [D]),
     s("It was not immediately clear whether the aide had been charged.", [U])],
    [s("Vance's campaign sent a fundraising email to supporters hours after the indictment was unsealed, calling the charges \"a witch hunt.\"", [N], [DOC]),
     s("Some Republicans in the delegation privately worried that the case could put the seat at risk in November.", [A], [V])],
]

# --- 107: New York Times style, the Pentagon (written and annotated like 106)
ARTICLES["107-nyt-pentagon-drone-review.txt"] = [
    [s("Pentagon Review Faults Army Over Drone Contract, Officials Say")],
    [s("WASHINGTON \u2014 An internal Pentagon review has concluded that the Army ignored warnings from its own engineers before awarding a $2 billion drone contract, according to three officials familiar with the findings.", [A]),
     s("The review, which has not been made public, found that senior officers overruled test results showing that the drones lost contact with their operators in bad weather, the officials said.", [A], [DOC]),
     s("They spoke on the condition of anonymity to describe a confidential report.", [A, R])],
    [s("The Army said in a statement on Wednesday that it \u201cstands behind the integrity of the acquisition process\u201d and would review the findings \u201conce they are formally delivered.\u201d", [N]),
     s("A spokeswoman for Skyward Systems, the company that won the contract, declined to comment.", [D], [N, A])],
    [s("The contract has drawn scrutiny on Capitol Hill for months."),
     s("In a letter sent to Defense Secretary Paul Hendricks in March, Senator Amy Larkin, Democrat of Minnesota, asked the department\u2019s inspector general to examine the award.", [N], [DOC]),
     s("\u201cWe have soldiers relying on equipment that the Army\u2019s own testers said did not work,\u201d Ms. Larkin said in an interview on Tuesday.", [N]),
     s("She added that she intended to hold a hearing on the matter next month.", [N])],
    [s("Senator Roger Blaine, Republican of Texas and a member of the Armed Services Committee, defended the Army, saying it had needed to move quickly to field the drones in Eastern Europe.", [N]),
     s("\u201cPerfect is the enemy of good when you have a war next door,\u201d Mr. Blaine said.", [N])],
    [s("According to Army budget documents, the service plans to buy about 1,800 of the drones over five years.", [DOC]),
     s("Test reports obtained by The New York Times show that in trials in Alaska in 2023, the drones lost their links in about one of every four flights in high winds.", [DOC], [O])],
    [s("Defense analysts said the case fit a pattern of rushed purchases since the war in Ukraine began.", [V], [A]),
     s("\u201cThe pressure to buy now and fix later is enormous,\u201d said Mackenzie Eastwood, a former Pentagon acquisition official who is now a fellow at the Hudson Institute.", [N])],
    [s("Mr. Hendricks, speaking to reporters on a flight to Brussels on Thursday, said he had not yet read the review.", [N]),
     s("\u201cIf there are problems, we will fix them,\u201d he said.", [N])],
    [s("A senior defense official, who spoke on the condition of anonymity to discuss personnel matters, said two officers involved in the decision had been reassigned.", [A, R]),
     s("The Pentagon did not identify them.", [], [D]),
     s("Reuters reported last year that Skyward had hired two retired generals as consultants shortly before the contract was awarded.", [O])],
]


def toml_str(t):
    return json.dumps(t, ensure_ascii=False)


def main():
    here = Path(__file__).parent
    for name, paras in ARTICLES.items():
        text = "\n\n".join(" ".join(t for t, _, _ in p) for p in paras) + "\n"
        (here / "articles" / name).write_text(text, encoding="utf-8")
        lines = [f"article = {toml_str(name)}"]
        seen = {}
        for p in paras:
            for t, cats, allow in p:
                seen[t] = seen.get(t, 0) + 1
                if not cats and not allow:
                    continue
                lines += ["", "[[sentence]]", f"text = {toml_str(t)}"]
                if seen[t] > 1:
                    lines.append(f"occurrence = {seen[t]}")
                lines.append("categories = [" + ", ".join(toml_str(c) for c in cats) + "]")
                if allow:
                    lines.append("allow = [" + ", ".join(toml_str(c) for c in allow) + "]")
        (here / "gold" / name.replace(".txt", ".toml")).write_text("\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
