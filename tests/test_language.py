"""The English fast path of language detection: unmistakable English skips lingua; nothing else takes it."""
import pytest

from wirestream.transforms.wire.language import (
    ENGLISH_SHARE,
    FRENCH_SHARE,
    WORD,
    detector,
    english_share,
    french_share,
    story_language,
)

# One news paragraph per language, written for these tests (each with its expected ISO 639-1 code).
NOT_ENGLISH = [
    ('fr', "Le gouvernement français a annoncé mardi une série de mesures pour soutenir les agriculteurs touchés par la sécheresse. Le ministre de l'Agriculture a déclaré que l'aide serait versée avant la fin du mois, tandis que les syndicats agricoles estiment que ces mesures restent insuffisantes face à l'ampleur de la crise."),
    ('es', 'El presidente del Gobierno español defendió este miércoles en el Congreso la reforma de las pensiones, que según la oposición pone en riesgo la sostenibilidad del sistema. Los sindicatos han convocado una huelga general para el próximo mes si no se retira el proyecto de ley.'),
    ('de', 'Die Bundesregierung hat am Mittwoch ein neues Klimaschutzpaket beschlossen, das den Ausstoß von Treibhausgasen bis 2030 deutlich senken soll. Kritiker aus der Opposition bemängelten, dass die Maßnahmen zu spät kämen und die Industrie nicht ausreichend in die Pflicht genommen werde.'),
    ('it', 'Il governo italiano ha approvato ieri sera il decreto sulle concessioni balneari, dopo settimane di trattative con i partner della coalizione. Il ministro ha detto che le nuove regole entreranno in vigore dal prossimo anno e che i comuni avranno più poteri di controllo.'),
    ('pt', 'O governo brasileiro anunciou nesta terça-feira um pacote de investimentos em infraestrutura que prevê a construção de novas rodovias e ferrovias. O ministro da Fazenda afirmou que os recursos virão de parcerias com o setor privado e não afetarão a meta fiscal.'),
    ('nl', 'De Nederlandse regering heeft dinsdag een nieuw plan gepresenteerd om de woningnood aan te pakken. Volgens de minister moeten er de komende tien jaar een miljoen nieuwe woningen worden gebouwd, maar de oppositie twijfelt of dat haalbaar is met het huidige tekort aan bouwvakkers.'),
    ('da', 'Regeringen præsenterede tirsdag et forslag til en ny klimalov, som skal sikre, at Danmark reducerer sine udledninger med 70 procent inden 2030. Oppositionen kritiserede forslaget for at være for vagt, og flere organisationer kalder det et skridt i den rigtige retning, men for lidt.'),
    ('sv', 'Regeringen presenterade på tisdagen ett nytt förslag om skattesänkningar för pensionärer. Finansministern sade att reformen ska träda i kraft nästa år, medan oppositionen menar att den gynnar de rikaste och att välfärden riskerar att försämras.'),
    ('pl', 'Rząd przedstawił we wtorek projekt ustawy o podwyżce płacy minimalnej, który według związków zawodowych jest krokiem w dobrym kierunku. To jest ważna zmiana dla milionów pracowników, ale pracodawcy ostrzegają, że może to doprowadzić do zwolnień w małych firmach.'),
    ('id', 'Pemerintah Indonesia pada hari Selasa mengumumkan rencana untuk membangun ibu kota baru di Kalimantan Timur. Presiden mengatakan bahwa proyek tersebut akan dibiayai sebagian besar oleh investor swasta dan akan selesai dalam waktu lima tahun.'),
    ('sw', 'Serikali ya Kenya imetangaza mpango mpya wa kuwasaidia wakulima walioathirika na ukame katika maeneo ya kaskazini. Waziri wa Kilimo amesema fedha hizo zitatolewa kabla ya mwisho wa mwezi huu na kwamba zaidi ya familia elfu hamsini zitanufaika.'),
    ('tl', 'Inanunsyo ng pamahalaan noong Martes ang bagong programa para sa mga magsasaka na naapektuhan ng bagyo. Sinabi ng kalihim na ang tulong ay ibibigay bago matapos ang buwan at na higit sa limampung libong pamilya ang makikinabang dito.'),
    ('cs', 'Vláda v úterý představila návrh zákona o důchodech, který odbory zcela odmítají. Ministr práce uvedl, že reforma je nezbytná pro udržitelnost systému, zatímco opozice tvrdí, že dopadne hlavně na lidi s nízkými příjmy.'),
    ('hu', 'A kormány kedden bejelentette, hogy jövőre emelik a minimálbért, ám a munkaadói szervezetek szerint a döntés sok kisvállalkozást nehéz helyzetbe hoz. A pénzügyminiszter szerint az intézkedés a belföldi fogyasztást is élénkíteni fogja.'),
    ('tr', 'Hükümet salı günü asgari ücrete yüzde otuz zam yapılacağını açıkladı. Çalışma Bakanı kararın milyonlarca işçiyi rahatlatacağını söylerken, işveren örgütleri artışın enflasyonu daha da körükleyebileceği uyarısında bulundu.'),
    ('ro', 'Guvernul a anunțat marți un nou pachet de măsuri pentru sprijinirea fermierilor afectați de secetă. Ministrul Agriculturii a declarat că ajutoarele vor fi plătite până la sfârșitul lunii, însă asociațiile de fermieri spun că sumele sunt prea mici.'),
    ('nb', 'Regjeringen la tirsdag fram et forslag om å øke barnetrygden for familier med lav inntekt. Finansministeren sa at endringen skal gjelde fra nyttår, mens opposisjonen mener at forslaget ikke går langt nok for de som har det vanskeligst.'),
    ('fi', 'Hallitus esitteli tiistaina uuden ilmastolain, jonka tavoitteena on tehdä Suomesta hiilineutraali vuoteen 2035 mennessä. Oppositio arvosteli esitystä liian kalliiksi, mutta ympäristöjärjestöt pitävät sitä askeleena oikeaan suuntaan.'),
    ('hr', 'Vlada je u utorak predstavila prijedlog zakona o mirovinama koji sindikati u potpunosti odbacuju. Ministar rada rekao je da je reforma nužna za održivost sustava, dok oporba tvrdi da će najviše pogoditi ljude s niskim primanjima.'),
    ('vi', 'Chính phủ Việt Nam hôm thứ Ba đã công bố kế hoạch xây dựng tuyến đường sắt cao tốc Bắc Nam. Bộ trưởng Giao thông cho biết dự án sẽ được khởi công vào năm tới và hoàn thành trong vòng mười năm.'),
    ('ca', "El Govern de la Generalitat ha aprovat aquest dimarts un pla per millorar el transport públic a l'àrea metropolitana de Barcelona. La consellera ha explicat que les obres començaran l'any vinent i que el pressupost total supera els mil milions d'euros."),
]
# French copy quoting one sentence of English: lingua decides, and says French.
FRENCH_QUOTING_ENGLISH = "PARIS (AFP) - Le président a reçu lundi à l'Élysée le chef de la diplomatie américaine, qui a déclaré aux journalistes : « We stand with France and we will continue to support the people of Ukraine. » Les deux hommes ont également évoqué la situation au Proche-Orient."
ENGLISH = [
    "GENEVA (Reuters) - The World Health Organization said on Tuesday that it would not change its advice on "
    "booster shots, after a panel of experts met for two days to review the latest data from trials.",
    "PORTLAND, Ore. (AP) — Transit riders packed a hearing on Monday night, and most of those who spoke said "
    "the levy was unfair to workers who have no other way to get to their jobs.",
    "Farmers in the north have been hit hardest by the drought, which the ministry says could cut this year's "
    "harvest by a third. Exporters said they would seek compensation from the government.",
]


@pytest.mark.parametrize("code, text", NOT_ENGLISH, ids=[code for code, _ in NOT_ENGLISH])
def test_other_latin_script_languages_never_take_the_english_fast_path(code, text):
    assert english_share(WORD.findall(text)) < ENGLISH_SHARE
    assert story_language(text) == (code, False)


@pytest.mark.parametrize("code, text", NOT_ENGLISH[1:], ids=[code for code, _ in NOT_ENGLISH[1:]])
def test_only_french_takes_the_french_fast_path(code, text):
    assert french_share(WORD.findall(text)) < FRENCH_SHARE / 2


@pytest.mark.parametrize("text", [NOT_ENGLISH[0][1], FRENCH_QUOTING_ENGLISH])
def test_french_copy_is_french_without_asking_lingua(text):
    detector()
    calls = detector.cache_info().hits
    assert story_language(text) == ("fr", False)
    assert detector.cache_info().hits == calls


def test_a_french_story_quoting_english_is_french():
    assert english_share(WORD.findall(FRENCH_QUOTING_ENGLISH)) < ENGLISH_SHARE
    assert story_language(FRENCH_QUOTING_ENGLISH) == ("fr", False)


@pytest.mark.parametrize("text", ENGLISH)
def test_english_wire_copy_is_english_without_asking_lingua(text):
    detector()  # built before counting: the count is of calls made for this story
    calls = detector.cache_info().hits
    assert story_language(text) == ("en", True)
    assert detector.cache_info().hits == calls
    assert english_share(WORD.findall(text)) >= ENGLISH_SHARE
    assert french_share(WORD.findall(text)) == 0
