"""Name pools by naming culture, and the alternative spellings agencies record.

Synthetic names for synthetic people: common given and family names of each culture
that NRM referrals come from, so that collisions (many Nguyens, many Mohammeds) are as
frequent as in real data. ``VARIANTS`` lists the spellings the same name is recorded
under (transliteration from Arabic, Tigrinya, Vietnamese diacritics and so on).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class NameCulture:
    """The names of one naming culture; ``middle_*`` names sit between family and given."""

    male: tuple[str, ...]
    female: tuple[str, ...]
    family: tuple[str, ...]
    # Zipf exponent of family name frequency: steep where a few names dominate (Vietnam).
    family_exponent: float = 0.7
    middle_male: tuple[str, ...] = ()
    middle_female: tuple[str, ...] = ()
    # Shares of people who bear one of the listed (common) names; the others bear one of
    # the culture's rarer names (``rare_names``). An assumption where no source is named.
    given_head_share: float = 0.5
    family_head_share: float = 0.5


def _split(text: str) -> tuple[str, ...]:
    """Names from a comma-separated string."""
    return tuple(part.strip() for part in text.split(",") if part.strip())


CULTURES: dict[str, NameCulture] = {
    "english": NameCulture(
        male=_split(
            "Jack, Thomas, James, Joshua, Daniel, Harry, Samuel, Joseph, Matthew, Callum, Luke,"
            " Ryan, Liam, Connor, Kyle, Jordan, Lewis, Jake, Ben, Charlie, Tyler, Mason, Kai,"
            " Reece, Jayden, Leon, Dylan, Aaron, Nathan, Alfie, Michael, David, Paul, Mark,"
            " Andrew, Steven, Christopher, Craig, Darren, Lee, Jamie, Ashley, Shane, Dean,"
            " Kieran, Bradley, Kane, Mohammed"
        ),
        female=_split(
            "Olivia, Emily, Jessica, Chloe, Sophie, Lauren, Hannah, Ellie, Megan, Amy,"
            " Charlotte, Holly, Emma, Courtney, Jade, Shannon, Chelsea, Kayleigh, Paige, Leah,"
            " Abigail, Amelia, Grace, Lucy, Katie, Rebecca, Sarah, Gemma, Natalie, Danielle,"
            " Stacey, Lisa, Michelle, Kelly, Nicola, Zoe"
        ),
        family=_split(
            "Smith, Jones, Williams, Taylor, Brown, Davies, Evans, Wilson, Thomas, Johnson,"
            " Roberts, Robinson, Thompson, Wright, Walker, White, Edwards, Hughes, Green, Hall,"
            " Lewis, Harris, Clarke, Patel, Jackson, Wood, Turner, Martin, Cooper, Hill, Ward,"
            " Morris, Moore, Lee, King, Baker, Harrison, Morgan, Allen, James, Scott, Phillips,"
            " Watson, Davis, Parker, Price, Bennett, Young, Griffiths, Mitchell, Kelly, Cook,"
            " Carter, Richardson, Bailey, Collins, Bell, Shaw, Murphy, Miller, Cox, Richards,"
            " Khan, Marshall, Anderson, Simpson, Ellis, Adams, Wilkinson, Foster, Chapman,"
            " Powell, Webb, Rogers, Gray, Mason, Hunt, Campbell, Matthews, Owen, Palmer, Holmes,"
            " Mills, Barnes, Knight, Lloyd, Butler, Russell, Barker, Fisher, Stevens, Jenkins,"
            " MacDonald, O'Brien, O'Neill"
        ),
        family_exponent=0.6,
        # England and Wales: the ten commonest first names were 13% of the babies
        # registered in 2012 (ONS baby names, 28,000 boys' and 36,000 girls' names); the
        # listed names' top ten are 40% of them, so 0.5 of people gives 20%, between
        # that and the more concentrated names of older cohorts.
        given_head_share=0.5,
        # Smith is 1.2-1.4% of people in England and Wales, Jones 0.9-1.1% (Registrar
        # General 1853 to electoral registers 1996, surnamestudies.org.uk comparative
        # tables); at 0.2 the listed names give Smith 1.5% and Jones 0.9%.
        family_head_share=0.2,
    ),
    "albanian": NameCulture(
        male=_split(
            "Ermal, Klevis, Arber, Erjon, Dritan, Besnik, Elton, Fatjon, Ilir, Kujtim, Luan,"
            " Mirel, Olsi, Redon, Sokol, Arben, Gentian, Altin, Endrit, Ervis, Kristian, Aldo,"
            " Bledar, Flamur, Genti, Mario, Renato, Xhuljan"
        ),
        female=_split(
            "Ana, Anxhela, Besa, Blerta, Elona, Enkeleda, Ermira, Fjona, Klea, Lindita,"
            " Marsela, Rozafa, Xhesika, Jonida, Ardita, Dorina, Elisa, Ornela"
        ),
        family=_split(
            "Hoxha, Shehu, Dervishi, Gjoka, Leka, Kola, Marku, Prifti, Lleshi, Basha, Cela,"
            " Duka, Meta, Rama, Berisha, Krasniqi, Gashi, Hasani, Shala, Bajrami, Mema, Toska,"
            " Zeqiri, Mulaj, Lika, Ndreu, Pllumi, Tafa"
        ),
    ),
    "vietnamese": NameCulture(
        male=_split(
            "An, Anh, Bao, Binh, Cuong, Dung, Duc, Hai, Hieu, Hung, Huy, Khanh, Long, Minh,"
            " Nam, Phong, Quang, Son, Thanh, Tuan, Tung, Viet, Vinh, Dat, Khoa, Toan"
        ),
        female=_split(
            "Anh, Chi, Dung, Giang, Ha, Hang, Hoa, Hong, Huong, Lan, Linh, Mai, My, Nga, Ngoc,"
            " Nhung, Phuong, Quynh, Thao, Thu, Thuy, Trang, Tuyet, Van, Yen"
        ),
        family=_split(
            "Nguyen, Tran, Le, Pham, Hoang, Huynh, Phan, Vu, Vo, Dang, Bui, Do, Ho, Ngo, Duong, Ly"
        ),
        family_exponent=1.6,
        # A dozen family names (Nguyen first) are borne by most Vietnamese people.
        family_head_share=1.0,
        middle_male=_split("Van, Van, Van, Duc, Minh, Quoc, Huu, Thanh"),
        middle_female=_split("Thi, Thi, Thi, Ngoc, Thu, Kim"),
    ),
    "habesha": NameCulture(
        male=_split(
            "Tesfay, Yonas, Haile, Berhane, Kidane, Mehari, Tekle, Dawit, Semere, Filmon,"
            " Habtom, Yemane, Goitom, Ermias, Mussie, Natnael, Aman, Robel, Henok, Yohannes,"
            " Abel, Biniam, Daniel, Merhawi"
        ),
        female=_split(
            "Helen, Selam, Senait, Luwam, Rahel, Saba, Eden, Meron, Hiwet, Feven, Mebrat,"
            " Tsega, Yordanos, Winta, Hanna, Ruth, Salem, Freweyni"
        ),
        family=_split(
            "Gebremedhin, Tesfamariam, Haile, Tekle, Berhe, Kahsay, Gebreyesus, Woldu, Mehari,"
            " Tewelde, Abraha, Okbay, Negash, Hagos, Ghirmay, Asmerom, Estifanos, Andemariam,"
            " Fitsum, Yohannes, Kidane, Tesfay, Zerai, Habte"
        ),
    ),
    "arabic": NameCulture(
        male=_split(
            "Mohammed, Ahmed, Ali, Omar, Abdullah, Hassan, Hussein, Ibrahim, Yousef, Khalid,"
            " Mustafa, Osman, Abdelrahman, Salah, Adam, Bashir, Tariq, Nasser, Hamza, Ayman,"
            " Karim, Mahmoud, Jamal, Walid, Abdi, Abdirahman"
        ),
        female=_split(
            "Fatima, Aisha, Maryam, Amina, Khadija, Zainab, Huda, Nour, Layla, Samira, Hana,"
            " Sara, Rania, Salma, Yasmin, Amal, Rasha, Mona, Hodan, Asha"
        ),
        family=_split(
            "Ahmed, Mohamed, Ali, Hassan, Osman, Ibrahim, Abdalla, Adam, Musa, Idris, Yousif,"
            " Elamin, Abbas, Hamid, Saleh, Babiker, Elsayed, Abdelrahman, Ismail, Suleiman,"
            " Bakri, Khalil, Haddad, Mansour, Farah, Warsame, Abdi, Hussein"
        ),
    ),
    "kurdish_persian": NameCulture(
        male=_split(
            "Ahmad, Ali, Reza, Mohammad, Hossein, Karwan, Rebin, Aram, Dilshad, Hawre, Shwan,"
            " Kamaran, Zana, Omid, Farhad, Behnam, Mehdi, Hamid, Javad, Saeed, Ramin, Sina,"
            " Abdul, Wahid, Naveed, Noorullah, Zabiullah, Shafiq"
        ),
        female=_split(
            "Fatemeh, Zahra, Maryam, Parisa, Shirin, Leila, Nasrin, Roya, Narges, Sara, Avin,"
            " Nazanin, Shilan, Lana, Bahar, Soraya, Farzana, Mina"
        ),
        family=_split(
            "Ahmadi, Mohammadi, Hosseini, Rezaei, Karimi, Rahimi, Hamidi, Mahmoudi, Amini,"
            " Sadeghi, Jafari, Rasouli, Abdullah, Aziz, Hassan, Kareem, Mustafa, Salih, Omar,"
            " Noori, Sultani, Popal, Hakimi, Stanikzai, Safi, Azizi, Haidari"
        ),
    ),
    "romanian": NameCulture(
        male=_split(
            "Andrei, Alexandru, Ion, Mihai, Gheorghe, Florin, Marian, Constantin, Vasile,"
            " Cristian, Daniel, Adrian, Nicolae, Ionut, Stefan, Bogdan, Catalin, Gabriel"
        ),
        female=_split(
            "Maria, Elena, Ana, Ioana, Andreea, Mihaela, Cristina, Alexandra, Daniela,"
            " Gabriela, Florentina, Nicoleta, Georgiana, Ramona, Simona"
        ),
        family=_split(
            "Popescu, Ionescu, Popa, Pop, Radu, Dumitru, Stan, Stoica, Gheorghe, Matei, Ciobanu,"
            " Rusu, Munteanu, Constantin, Marin, Tudor, Florea, Dinu, Lazar, Moldovan, Serban,"
            " Badea, Zamfir, Lupu, Dobre"
        ),
    ),
    "east_european": NameCulture(
        male=_split(
            "Piotr, Tomasz, Krzysztof, Marek, Pawel, Jan, Lukasz, Michal, Jozef, Milan, Jiri,"
            " Peter, Laszlo, Istvan, Gabor, Dimitar, Georgi, Ivan, Nikolai, Tomas, Mantas,"
            " Andrius, Oleksandr, Dmytro, Viktor"
        ),
        female=_split(
            "Anna, Katarzyna, Agnieszka, Magdalena, Monika, Ewa, Jana, Zuzana, Katalin,"
            " Erzsebet, Ivana, Petra, Svetlana, Olena, Natalia, Iveta, Ruta, Kristina"
        ),
        family=_split(
            "Nowak, Kowalski, Wisniewski, Wojcik, Lewandowski, Kaminski, Horvath, Kovacs, Nagy,"
            " Toth, Balog, Lakatos, Orsos, Dvorak, Novak, Svoboda, Cerny, Kazlauskas,"
            " Petrauskas, Ivanov, Petrov, Georgiev, Dimitrov, Shevchenko, Kovalenko,"
            " Bondarenko, Sarkozi, Rostas"
        ),
    ),
    "west_african": NameCulture(
        male=_split(
            "Chukwuemeka, Oluwaseun, Adebayo, Olumide, Tunde, Ibrahim, Musa, Kwame, Kofi,"
            " Kwabena, Yaw, Samuel, Emmanuel, Daniel, Joseph, John, Michael, Godwin, Chinedu,"
            " Ikenna, Babatunde, Mamadou, Alhassan, Ousmane"
        ),
        female=_split(
            "Blessing, Precious, Joy, Grace, Favour, Chioma, Ngozi, Adaeze, Funmilayo, Folake,"
            " Aisha, Fatou, Abena, Akosua, Ama, Esther, Mary, Comfort, Patience, Gift,"
            " Mariama, Aminata"
        ),
        family=_split(
            "Okafor, Okonkwo, Adeyemi, Adebayo, Ogunleye, Oladipo, Eze, Nwosu, Obi, Ibrahim,"
            " Bello, Mensah, Boateng, Owusu, Asante, Osei, Appiah, Diallo, Bah, Jalloh, Kamara,"
            " Sesay, Conteh, Ndiaye, Fofana, Touray, Okoro, Balogun"
        ),
    ),
    "east_african": NameCulture(
        male=_split(
            "Brian, Kevin, Dennis, Joseph, Peter, Moses, Isaac, Ronald, Tendai, Tafadzwa, Farai,"
            " Tinashe, Simba, Kiprop, Otieno, Mwangi, Kato, Deng, Garang, Majok"
        ),
        female=_split(
            "Faith, Mercy, Grace, Esther, Nyasha, Rutendo, Chipo, Tsitsi, Wanjiru, Akinyi,"
            " Achieng, Nakato, Namukasa, Nyandeng, Achol"
        ),
        family=_split(
            "Mwangi, Otieno, Ochieng, Kamau, Kiprono, Okello, Mukasa, Ssempala, Moyo, Ncube,"
            " Dube, Sibanda, Mutasa, Chikwanha, Deng, Garang, Mayen, Majok, Akol, Nkosi"
        ),
    ),
    "chinese": NameCulture(
        male=_split(
            "Wei, Jun, Ming, Jian, Hao, Lei, Qiang, Yong, Jie, Tao, Bin, Chao, Gang, Peng, Xin,"
            " Zhiwei, Jianguo, Haoran, Zihao"
        ),
        female=_split(
            "Li, Mei, Ying, Jing, Xiu, Hua, Yan, Fang, Min, Lan, Xiaoling, Na, Hui, Yun, Ting"
        ),
        family=_split(
            "Wang, Li, Zhang, Liu, Chen, Yang, Huang, Zhao, Wu, Zhou, Xu, Sun, Ma, Zhu, Hu, Guo,"
            " Lin, He, Gao, Luo"
        ),
        family_exponent=1.0,
        # A hundred family names are borne by most Chinese people.
        family_head_share=1.0,
    ),
    "south_asian": NameCulture(
        male=_split(
            "Mohammed, Ali, Ahmed, Imran, Asif, Bilal, Usman, Zeeshan, Raj, Rahul, Amit, Sanjay,"
            " Vijay, Suresh, Arjun, Harpreet, Gurpreet, Manjit, Rajesh, Arif, Shahid, Tariq,"
            " Kamal, Rahim, Shafiq, Nimal, Kasun"
        ),
        female=_split(
            "Fatima, Ayesha, Sana, Nadia, Priya, Pooja, Anjali, Sunita, Neha, Kavita, Harjit,"
            " Manpreet, Rubina, Shabana, Nasreen, Taslima, Farzana, Nirosha"
        ),
        family=_split(
            "Khan, Ahmed, Hussain, Ali, Shah, Iqbal, Akhtar, Begum, Rahman, Islam, Uddin, Miah,"
            " Chowdhury, Patel, Sharma, Singh, Kaur, Kumar, Gupta, Reddy, Das, Perera,"
            " Fernando, Silva, Mahmood, Butt, Malik, Qureshi"
        ),
    ),
    "filipino": NameCulture(
        male=_split(
            "Jose, Juan, Mark, John Paul, Jerome, Rommel, Jayson, Reynaldo, Ricardo, Eduardo,"
            " Rodel, Arnel"
        ),
        female=_split(
            "Maria, Marites, Rosalie, Maricel, Jocelyn, Lorna, Analyn, Jennifer, Cristina,"
            " Mary Grace, Rowena, Lourdes"
        ),
        family=_split(
            "Santos, Reyes, Cruz, Bautista, Ocampo, Garcia, Mendoza, Torres, Tomas, Andrada,"
            " Castillo, Flores, Villanueva, Ramos, Aquino, Dela Cruz, Del Rosario, Gonzales"
        ),
    ),
    "turkish": NameCulture(
        male=_split(
            "Mehmet, Mustafa, Ahmet, Ali, Huseyin, Hasan, Ibrahim, Ismail, Murat, Emre, Burak,"
            " Serkan, Yusuf, Osman"
        ),
        female=_split("Ayse, Fatma, Emine, Hatice, Zeynep, Elif, Merve, Esra, Ozlem, Derya"),
        family=_split(
            "Yilmaz, Kaya, Demir, Sahin, Celik, Yildiz, Aydin, Ozturk, Arslan, Dogan, Kilic,"
            " Aslan, Cetin, Kara, Koc"
        ),
    ),
    "thai": NameCulture(
        male=_split("Somchai, Somsak, Anan, Prasert, Chaiwat, Sombat, Kittisak, Wichai, Nattapong"),
        female=_split("Siriporn, Malee, Nok, Ploy, Somying, Ratana, Kanya, Pim, Lamai, Wanida"),
        family=_split(
            "Saetang, Srisuk, Wongsawat, Chaiyaporn, Thongchai, Rattanakorn, Bunmee, Suksawat,"
            " Kaewmanee, Phromsri"
        ),
    ),
    "lusophone": NameCulture(
        male=_split(
            "Joao, Jose, Carlos, Paulo, Lucas, Gabriel, Rafael, Pedro, Thiago, Bruno, Felipe,"
            " Rodrigo"
        ),
        female=_split(
            "Ana, Maria, Juliana, Fernanda, Camila, Beatriz, Larissa, Mariana, Patricia, Aline"
        ),
        family=_split(
            "Silva, Santos, Oliveira, Souza, Lima, Pereira, Ferreira, Costa, Rodrigues, Almeida,"
            " Carvalho, Gomes, Ribeiro, Martins"
        ),
    ),
}

# Naming culture of each nationality in the world (calibration.NATIONALITY_TAIL and the top five).
CULTURE_OF_NATIONALITY: dict[str, str] = {
    "GBR": "english",
    "JAM": "english",
    "ALB": "albanian",
    "XKX": "albanian",
    "VNM": "vietnamese",
    "ERI": "habesha",
    "ETH": "habesha",
    "SDN": "arabic",
    "EGY": "arabic",
    "SYR": "arabic",
    "KWT": "arabic",
    "LBY": "arabic",
    "YEM": "arabic",
    "MAR": "arabic",
    "DZA": "arabic",
    "TUN": "arabic",
    "TCD": "arabic",
    "SOM": "arabic",
    "IRQ": "kurdish_persian",
    "IRN": "kurdish_persian",
    "AFG": "kurdish_persian",
    "ROU": "romanian",
    "POL": "east_european",
    "CZE": "east_european",
    "SVK": "east_european",
    "HUN": "east_european",
    "LTU": "east_european",
    "LVA": "east_european",
    "EST": "east_european",
    "BGR": "east_european",
    "UKR": "east_european",
    "RUS": "east_european",
    "NGA": "west_african",
    "GHA": "west_african",
    "GIN": "west_african",
    "SLE": "west_african",
    "CMR": "west_african",
    "GMB": "west_african",
    "SEN": "west_african",
    "UGA": "east_african",
    "KEN": "east_african",
    "ZWE": "east_african",
    "SSD": "east_african",
    "CHN": "chinese",
    "MYS": "chinese",
    "IND": "south_asian",
    "PAK": "south_asian",
    "BGD": "south_asian",
    "LKA": "south_asian",
    "PHL": "filipino",
    "TUR": "turkish",
    "THA": "thai",
    "BRA": "lusophone",
    "PRT": "lusophone",
}

# Alternative spellings of one name as agencies record it; the first key is canonical.
VARIANTS: dict[str, tuple[str, ...]] = {
    # Arabic, Somali, South Asian transliterations
    "Mohammed": ("Muhammad", "Mohamed", "Mohamad", "Mohammad", "Muhammed", "Mahamed"),
    "Mohamed": ("Mohammed", "Muhammad", "Mohamad"),
    "Mohammad": ("Mohammed", "Muhammad", "Mohamad"),
    "Ahmed": ("Ahmad", "Ahmet", "Ahmod"),
    "Ahmad": ("Ahmed", "Ahmet"),
    "Omar": ("Umar", "Omer"),
    "Abdullah": ("Abdallah", "Abdulla", "Abdellah"),
    "Abdalla": ("Abdallah", "Abdullah", "Abdulla"),
    "Hassan": ("Hasan", "Hasen"),
    "Hussein": ("Hussain", "Husein", "Hosein", "Husain"),
    "Hussain": ("Hussein", "Husain", "Hosain"),
    "Hossein": ("Hussein", "Hosein", "Husayn"),
    "Ibrahim": ("Ebrahim", "Ibraheem", "Ibrahem"),
    "Yousef": ("Yusuf", "Youssef", "Yosef", "Yousif"),
    "Yousif": ("Yousef", "Yusuf", "Yusif"),
    "Khalid": ("Khaled", "Kalid"),
    "Mustafa": ("Mostafa", "Moustafa", "Mustapha"),
    "Osman": ("Othman", "Usman", "Uthman"),
    "Abdelrahman": ("Abdulrahman", "Abdul Rahman", "Abd al-Rahman", "Abdelrahmen"),
    "Abdirahman": ("Abdurahman", "Abdulrahman"),
    "Salah": ("Salih", "Saleh"),
    "Saleh": ("Salih", "Salah"),
    "Bashir": ("Basheer", "Bachir"),
    "Tariq": ("Tarek", "Tareq", "Tarik"),
    "Nasser": ("Nasir", "Naser"),
    "Hamza": ("Hamzah", "Hamzeh"),
    "Karim": ("Kareem", "Karem"),
    "Kareem": ("Karim",),
    "Mahmoud": ("Mahmud", "Mahmood"),
    "Mahmood": ("Mahmud", "Mehmood", "Mahmoud"),
    "Walid": ("Waleed", "Oualid"),
    "Fatima": ("Fatimah", "Fatma", "Fatuma"),
    "Aisha": ("Aysha", "Aicha", "Ayesha"),
    "Maryam": ("Mariam", "Meryem", "Maryem"),
    "Amina": ("Aminah", "Ameena"),
    "Khadija": ("Khadijah", "Hadiza", "Kadija"),
    "Zainab": ("Zaynab", "Zeinab", "Zenab"),
    "Huda": ("Houda", "Hoda"),
    "Nour": ("Noor", "Nur"),
    "Layla": ("Leila", "Laila", "Leyla"),
    "Samira": ("Sameera", "Samirah"),
    "Yasmin": ("Yasmine", "Jasmin", "Yasmeen"),
    "Mona": ("Muna", "Mouna"),
    "Elamin": ("El Amin", "Al-Amin", "Elameen"),
    "Elsayed": ("El-Sayed", "Al Sayed", "Elsaid"),
    "Idris": ("Idriss", "Edris"),
    "Musa": ("Mousa", "Moussa"),
    "Ismail": ("Ismael", "Esmail"),
    "Suleiman": ("Sulaiman", "Soliman", "Suleyman"),
    "Mansour": ("Mansur", "Mansoor"),
    "Rahman": ("Rehman", "Rahmaan"),
    "Chowdhury": ("Choudhury", "Chaudhry", "Chowdhry"),
    "Miah": ("Mia", "Meah"),
    "Reza": ("Riza", "Raza"),
    "Mehdi": ("Mahdi", "Mehdy"),
    "Saeed": ("Said", "Sayed", "Saed"),
    "Naveed": ("Navid", "Naweed"),
    "Wahid": ("Waheed", "Vahid"),
    "Noorullah": ("Nurullah", "Noor Ullah"),
    "Hosseini": ("Husseini", "Hoseini"),
    "Rezaei": ("Rezai", "Rezaie"),
    "Noori": ("Nouri", "Nuri"),
    "Haidari": ("Haydari", "Heidari"),
    "Fatemeh": ("Fatima", "Fatemah"),
    "Zahra": ("Zahraa", "Zara"),
    # Tigrinya and Amharic
    "Tesfay": ("Tesfaye", "Tesfai"),
    "Yonas": ("Yonatan", "Jonas"),
    "Yohannes": ("Yohanes", "Johannes", "Yohanis"),
    "Haile": ("Hayle", "Haille"),
    "Berhane": ("Birhane", "Berhan"),
    "Berhe": ("Berhane", "Birhe"),
    "Mehari": ("Mehary", "Meharie"),
    "Semere": ("Semre", "Semer"),
    "Yemane": ("Yamane", "Yemaneh"),
    "Mussie": ("Musie", "Musse"),
    "Dawit": ("Dawitt", "Dawid"),
    "Senait": ("Senayit", "Sennait"),
    "Rahel": ("Rachel", "Raheel"),
    "Gebremedhin": ("Ghebremedhin", "Gebre Medhin", "Gebremedin"),
    "Gebreyesus": ("Ghebreyesus", "Gebre Yesus"),
    "Kahsay": ("Kasai", "Kahsai"),
    "Ghirmay": ("Girmay", "Ghirmai"),
    "Tewelde": ("Tewolde", "Teweldebrhan"),
    "Woldu": ("Weldu", "Woldeab"),
    # Vietnamese diacritics and common slips
    "Nguyen": ("Nguyễn", "Ngyuen", "Nguen", "Nguyn"),
    "Tran": ("Trần", "Tranh"),
    "Pham": ("Phạm", "Pahm"),
    "Le": ("Lê", "Lee"),
    "Hoang": ("Hoàng", "Huang"),
    "Huynh": ("Huỳnh", "Huyn"),
    "Dang": ("Đặng", "Dong"),
    "Do": ("Đỗ", "Doe"),
    "Vu": ("Vũ", "Voo"),
    "Bui": ("Bùi", "Buy"),
    "Duong": ("Dương", "Zuong"),
    "Duc": ("Đức", "Dook"),
    "Van": ("Văn",),
    "Thi": ("Thị",),
    "Tuan": ("Tuấn", "Toan"),
    "Thanh": ("Thành", "Than"),
    "Huong": ("Hương", "Houng"),
    "Phuong": ("Phương", "Fuong"),
    # Albanian letters lost on English keyboards
    "Cela": ("Çela", "Chela"),
    "Hoxha": ("Hoxa", "Hodja", "Hoja"),
    "Arber": ("Arbër", "Arbr"),
    "Anxhela": ("Angela", "Anxela"),
    "Xhesika": ("Jessica", "Xhesica"),
    "Fjona": ("Fiona",),
    "Xhuljan": ("Julian", "Xhulian"),
    "Krasniqi": ("Krasniki", "Krasnici"),
    "Zeqiri": ("Zekiri", "Zeciri"),
    "Lleshi": ("Leshi", "Lleshaj"),
    # Chinese romanisations
    "Zhang": ("Chang", "Cheung"),
    "Liu": ("Lau", "Lew"),
    "Chen": ("Chan", "Chin"),
    "Yang": ("Yeung", "Young"),
    "Huang": ("Wong", "Hwang"),
    "Zhao": ("Chao", "Chiu"),
    "Wu": ("Ng", "Woo"),
    "Zhou": ("Chow", "Chau"),
    "Xu": ("Hsu", "Tsui"),
    "Zhu": ("Chu", "Choo"),
    "Guo": ("Kuo", "Kwok"),
    "Lin": ("Lam", "Lim"),
    "Xiaoling": ("Hsiao-ling", "Xiao Ling"),
    "Zhiwei": ("Chi-wei", "Zhi Wei"),
    # Central and eastern European letters
    "Pawel": ("Paweł", "Pavel"),
    "Lukasz": ("Łukasz", "Lucas"),
    "Michal": ("Michał", "Michael"),
    "Jozef": ("Józef", "Josef"),
    "Jiri": ("Jiří", "Jiry"),
    "Laszlo": ("László", "Lazlo"),
    "Istvan": ("István", "Stefan"),
    "Oleksandr": ("Aleksandr", "Alexander", "Olexandr"),
    "Dmytro": ("Dmitri", "Dmitry", "Dimitri"),
    "Olena": ("Elena", "Alena"),
    "Natalia": ("Natalya", "Nataliya"),
    "Ewa": ("Eva",),
    "Erzsebet": ("Erzsébet", "Elizabeth"),
    "Wisniewski": ("Wiśniewski", "Wisnieski"),
    "Wojcik": ("Wójcik", "Wojcick"),
    "Kaminski": ("Kamiński", "Kaminsky"),
    "Horvath": ("Horváth", "Horvat"),
    "Kovacs": ("Kovács", "Kovach"),
    "Toth": ("Tóth", "Tot"),
    "Dvorak": ("Dvořák", "Dworak"),
    "Cerny": ("Černý", "Czerny"),
    "Shevchenko": ("Shevchenco", "Szewczenko"),
    "Stefan": ("Ștefan", "Stephan"),
    "Ionut": ("Ionuț", "Ionutz"),
    "Catalin": ("Cătălin", "Katalin"),
    "Serban": ("Șerban", "Sherban"),
    "Ion": ("Ioan", "Ioni"),
    # Turkish letters
    "Huseyin": ("Hüseyin", "Hussein"),
    "Ayse": ("Ayşe", "Aysha"),
    "Ozlem": ("Özlem", "Ozlm"),
    "Yilmaz": ("Y\u0131lmaz", "Yilmas"),  # dotless i, as in Turkish
    "Sahin": ("Şahin", "Shahin"),
    "Celik": ("Çelik", "Chelik"),
    "Ozturk": ("Öztürk", "Ozturc"),
    "Dogan": ("Doğan", "Doghan"),
    # West African shortenings
    "Chukwuemeka": ("Emeka", "Chukwu Emeka"),
    "Oluwaseun": ("Seun", "Oluwaseyi"),
    "Funmilayo": ("Funmi", "Funmilola"),
    "Ousmane": ("Usman", "Osman"),
    "Fatou": ("Fatu", "Fatoumata"),
    # Lusophone accents
    "Joao": ("João", "Juan"),
    "Jose": ("José", "Joseph"),
    "Souza": ("Sousa", "Suza"),
    "Thiago": ("Tiago",),
    "Patricia": ("Patrícia",),
    # Filipino compound names
    "Dela Cruz": ("De la Cruz", "Delacruz", "Cruz"),
    "Del Rosario": ("Delrosario", "Rosario"),
    "John Paul": ("Jon Paul", "John-Paul", "JP"),
    "Mary Grace": ("Marygrace", "Mary-Grace", "Grace"),
    # English spellings
    "Reece": ("Rhys", "Reese"),
    "Jayden": ("Jaden", "Jaiden"),
    "Steven": ("Stephen", "Stephan"),
    "Kieran": ("Ciaran", "Kieron"),
    "Kayleigh": ("Kaylee", "Kayley", "Kaleigh"),
    "Zoe": ("Zoë", "Zoey"),
    "Clarke": ("Clark",),
    "Phillips": ("Philips",),
    "Griffiths": ("Griffith",),
    "Gray": ("Grey",),
    "Matthews": ("Mathews",),
    "Stevens": ("Stephens",),
    "MacDonald": ("McDonald", "Macdonald"),
    "O'Brien": ("OBrien", "O Brien", "O'Brian"),
    "O'Neill": ("ONeill", "O'Neil", "O Neill"),
}

# Street nicknames used as aliases by suspects (and sometimes by victims).
NICKNAMES: tuple[str, ...] = _split(
    "Big A, Boss, Lucky, Tony, Sam, Smokey, Junior, Ace, Chef, Doc, Kid, Zee, Prince, Uncle,"
    " Shorty, Red, Money, Jay, Mo, Benji, Danny, Leo, Max, Rocky"
)


def _split_syllable(name: str, syllables: int = 1) -> tuple[str, str]:
    """A name's opening (up to and including its first ``syllables`` runs of vowels) and
    the rest."""
    vowels = "aeiouyAEIOUY"
    index = 0
    for _ in range(syllables):
        while index < len(name) and name[index] not in vowels:
            index += 1
        while index < len(name) and name[index] in vowels:
            index += 1
    return name[:index], name[index:]


# Rare names made per pool: enough that two people seldom share one by chance.
RARE_NAMES_PER_POOL = 2_000


def rare_names(pool: tuple[str, ...]) -> tuple[tuple[str, ...], dict[str, tuple[str, ...]]]:
    """A culture's rarer names, made by joining the opening of one listed name to the rest
    of another ('Jo' + 'ith'), with their spellings taken from the two names' spellings.

    Real name frequencies have a long tail (most people bear a name few others bear);
    listed names alone would make namesakes many times more common than they are.
    Deterministic: the same pool gives the same names, in the same order.
    """
    listed = set(pool)
    names: list[str] = []
    variants: dict[str, tuple[str, ...]] = {}
    seen: set[str] = set()
    # Each listed name lends its opening and its rest alike: pairs one apart, two apart...,
    # cut after the first run of vowels, then (for more names) after the second.
    pairs = (
        (first, (first + step) % len(pool), syllables)
        for syllables in (1, 2)
        for step in range(1, len(pool))
        for first in range(len(pool))
    )
    for first, second, syllables in pairs:
        opening = _split_syllable(pool[first], syllables)[0]
        rest = _split_syllable(pool[second], syllables)[1]
        name = opening + rest
        if not opening or not rest or name in listed or name in seen:
            continue
        seen.add(name)
        names.append(name)
        spelled = {
            _split_syllable(variant, syllables)[0] + rest
            for variant in VARIANTS.get(pool[first], ())
        } | {
            opening + _split_syllable(variant, syllables)[1]
            for variant in VARIANTS.get(pool[second], ())
        }
        spelled.discard(name)
        if spelled:
            variants[name] = tuple(sorted(spelled))
        if len(names) == RARE_NAMES_PER_POOL:
            break
    return tuple(names), variants
